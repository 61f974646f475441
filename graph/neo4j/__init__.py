"""Neo4j, the system of record: its store, every Cypher statement, and the bulk import spool.

Imported only when a Neo4j store is opened (`graph.factory`) or a bulk load runs: `import graph`
does not load the driver."""
