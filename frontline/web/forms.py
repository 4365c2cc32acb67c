"""A form's values as a service's input, or a readable 422 that names the fields in the agent's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from frontline.kit.errors import InvalidInput
from frontline.web.i18n import _

M = TypeVar("M", bound=BaseModel)


def validated(schema: type[M], data: Mapping[str, Any], fields: Mapping[str, str]) -> M:
    """`schema` built from `data`; a ValidationError becomes "Please check these fields: …", each field by its
    label in `fields` (N_() msgids) and in the order the errors name them."""
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        names = [str(e["loc"][0]) for e in error.errors() if e["loc"]]
        shown = ", ".join(dict.fromkeys(_(fields[n]) if n in fields else n for n in names))
        raise InvalidInput(_("Please check these fields: %(fields)s.", fields=shown)) from error
