"""Customer settings: the one API through which a tenant's administrators, and operators,
read and change what the customer set up (docs/api.md, "Customer settings")."""
