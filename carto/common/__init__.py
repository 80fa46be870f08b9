"""What every domain needs and none owns: French number and date formats, robust reading of
the tables people download within limits (``bounded``, ``failures``), the markers of missing
values (s, nd, ns, so…) and their French labels, CSV for French Excel, the one edit-code check
(``authorisation``), atomic writes that need it (``files``), stored items under ids that
cannot collide (``identity``, ``collection``) in files or in the database (``documents``,
``documents_files``, ``documents_sql``, ``backends``: the revisions caches are keyed by;
``documents_copy`` moves them), engines and migrations (``database``), tables as payload
bytes (``payloads``), text normalisation and Markdown escaping, paths.

Imports nothing from ``carto``: it is the bottom layer.
"""
