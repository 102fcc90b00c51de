"""The op families: ``*_ops.py`` define ops (kernel and samples), ``*_grad.py`` their gradients."""
