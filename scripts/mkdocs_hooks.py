"""mkdocs hooks (``mkdocs.yml``: ``hooks``): assets served with the site and generated pages.

* ``assets/javascripts/mermaid.min.js``: the diagrams' script, a local copy
  fetched by ``scripts/fetch_docs_assets.py`` (``./run test`` and ``./run docs``
  run it), so the site draws its diagrams offline and loads no script from a
  CDN; ``extra_javascript`` in ``mkdocs.yml`` points at it, and Material uses an
  already loaded ``mermaid`` instead of fetching its own.
* ``schema.md``: the SQL schema, generated from the SQLAlchemy metadata by
  ``scripts/gen_schema.py`` on every build, so it cannot go stale.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

SCRIPTS = Path(__file__).resolve().parent
MERMAID_URI = "assets/javascripts/mermaid.min.js"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_szo_docs_{name}", SCRIPTS / f"{name}.py")
    if spec is None or spec.loader is None:
        raise PluginError(f"cannot load scripts/{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_files(files: Files, config: MkDocsConfig, **kwargs: Any) -> Files:
    assets = _script("fetch_docs_assets")
    if not assets.is_current():
        raise PluginError(
            f"{assets.MERMAID_JS} (mermaid {assets.MERMAID_VERSION}, the diagrams' script) is "
            "missing or not the pinned version: run `./run docs` or "
            "`.venv/bin/python scripts/fetch_docs_assets.py` (needs npm) first"
        )
    files.append(File.generated(config, MERMAID_URI, abs_src_path=str(assets.MERMAID_JS)))
    files.append(File.generated(config, "schema.md", content=_script("gen_schema").render()))
    return files
