"""The GraphQL API for county and department systems (graphene 3, hand-written types over
the services; resolvers call services only)."""
