# Loaded by scripts/schemathesis through SCHEMATHESIS_HOOKS. The station operations take a
# sealed envelope (docs/station.md section 3), a media type schemathesis cannot generate by
# itself: give it arbitrary bytes, which the server must refuse with a documented 401.
from hypothesis import strategies as st

import schemathesis

schemathesis.openapi.media_type("application/vnd.portvakt.sealed", st.binary(max_size=512))
