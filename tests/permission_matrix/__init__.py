"""The permission matrix, generated from the URL configuration (docs/security.md, issue 11).

Every named route but the admin's has an entry in ``routes.ROUTES``: who may use it, as a rule
over personas and the owner of the object its address points to. Each route is requested by
eight personas (``personas.py``), for an object of structure A, of structure B (same territory)
and of the other territory (for a territory's own objects: A's territory and the other one),
built in ``objects.py``. Each answer is classified: « allowed » (2xx, 400 or a redirect
elsewhere: the request got past the permission check), « login » (a redirect to the login page)
or « denied » (403, 404, 405). A redirect to the second factor's pages is never expected:
conftest marks each persona's session as having passed it. POST-only routes are also requested
with GET (405 is denied), a refused POST must leave its object as it was, and a person's data
refused to someone outside the structure that owns it answers 404 (its existence is hidden).

The rules come from the ``get_*_for_user`` fetchers and ``can_*`` predicates of each app's
``permissions.py`` and from docs/security.md, not from what the views happen to return. A new
route without an entry fails here: add it to ``ROUTES`` with the rule it is meant to follow.

The objects are built once for the test module, through the apps' actions, in a transaction
rolled back at its end; each request runs in a savepoint rolled back after it, so that a POST
that deletes or answers leaves the next persona the same objects.
"""
