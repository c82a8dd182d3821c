import OrderlyServer; print("hi")
