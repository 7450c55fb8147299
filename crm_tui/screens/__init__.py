"""The console's screens: connecting, sign-in, and the main report screen."""
