"""The `emqx5` dialect: EMQX 5.8's own Clients API and its Dashboard calls, as EMQX's test suites define them."""
