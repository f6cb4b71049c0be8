"""Case engine: working-day calendars, the case clock and (in other modules) case state."""
