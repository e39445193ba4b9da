""" "You said, we did": a coordinator tells the people who answered a flow what changed."""
