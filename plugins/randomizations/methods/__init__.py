"""The methods: a replayable random stream, permuted blocks, Pocock-Simon minimization,
and the reading of imported lists. Pure functions of their inputs, so the same code
assigns subjects, replays a list for verification and runs simulations."""
