"""The register: append-only, hash-chained event log fed by department files, and the state of the city as of any
date derived from it."""
