"""File adapters: configuration trees and schema files on disk."""
