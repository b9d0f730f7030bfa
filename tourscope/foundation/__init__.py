"""The foundation every layer may import: settings, translations, formatting for humans,
the one signer, spelling keys, logging and the clean-stop flag. It imports no other
Tourscope package."""
