"""`loopbot demo`: the real app on loopback, walking through each process."""
