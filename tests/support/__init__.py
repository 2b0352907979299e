"""What tests share that the simulator does not need: reference implementations and ready-made simulations."""
