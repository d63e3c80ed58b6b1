"""WeChat channels: the WeCom app for reps and managers, the Official Account for customers."""
