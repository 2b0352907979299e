"""The simulated deployment: clients, sessions, subscriptions, topic rules, clock and population."""
