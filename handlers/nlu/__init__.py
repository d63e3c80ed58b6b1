"""Natural-language understanding for rep messages (Chinese and English), no database needed.

Import the submodules directly (handlers.nlu.when, .amount, .intent, .match): match pulls in
pypinyin, which the other three do not need.
"""
