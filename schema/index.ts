// schema — the Pothos code-first GraphQL schema: builder.ts sets the builder
// up once, one file per GraphQL type, and this index builds the schema. It
// maps GraphQL onto relay-core services and never touches the database.
// Nothing is exposed over GraphQL yet: the relay core comes first.
export {};
