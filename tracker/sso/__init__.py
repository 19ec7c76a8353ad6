"""Organisation logins (统一身份认证): OpenID Connect, LDAP and CAS backends, each off by default.

Each backend is a thin interface: the provider's library does the protocol, the backend turns what
the provider said into an ExternalAccount, and tracker.services.accounts writes it.
"""
