"""Open311 GeoReport v2, as an Open311 app sees it: read through `georeport` (a GeoReport v2
client from PyPI, in JSON and XML), submitted as the spec's form (`georeport` only reads), and
checked against the field names and shapes of the spec's documented examples.

Privacy: a private report is in no listing and, asked for, answers as a missing one; the
reporter's fields submitted through Open311 are in no Open311 answer and no operator answer.
"""

from __future__ import annotations

import requests
import xmltodict
from georeport import GeoReport

from tests.crm_server.helpers import HOME, TIMEOUT, exif_jpeg, jpeg_bytes, marker
from tests.support.server import query

OPEN311 = "/open311/v2"
MISSING = "JK0001010001"
# The spec's examples: GET Service List, POST Service Request, GET Service Request(s), errors.
SERVICE_KEYS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
SUBMITTED_KEYS = {"service_request_id", "service_notice", "account_id"}
REQUEST_KEYS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def _endpoint(writes) -> str:
    return f"{writes.server.base_url}{OPEN311}"


def _identity(mark: str) -> dict[str, str]:
    return {
        "email": f"{mark}@contoh.id",
        "first_name": f"Ibu{mark}",
        "last_name": f"Sari{mark}",
        "phone": f"0812{mark}",
        "device_id": f"dev{mark}",
        "account_id": f"acct{mark}",
    }


def _submit(
    writes, fmt: str = "json", *, photo: bytes | None = None, headers: dict[str, str] | None = None, **fields: str
) -> requests.Response:
    form = {
        "api_key": writes.intake_key,
        "service_code": writes.kelurahan_category,
        "address_id": HOME,
        "address_string": "Jl. Cideng Barat No. 12",
        "lat": "-6.1702",
        "long": "106.8105",
        "description": f"Lampu jalan mati {marker('D')}\nSudah tiga malam.",
        **fields,
    }
    files = {"media": ("lampu.jpg", photo, "image/jpeg")} if photo is not None else None
    return requests.post(
        f"{_endpoint(writes)}/requests.{fmt}", data=form, files=files, headers=headers, timeout=TIMEOUT
    )


def _submitted(response: requests.Response, fmt: str) -> dict:
    assert response.status_code == 201, response.text
    if fmt == "xml":
        assert response.headers["content-type"].startswith("text/xml")
        [answer] = _as_list(xmltodict.parse(response.content)["service_requests"]["request"])
    else:
        [answer] = response.json()
    assert set(answer) == SUBMITTED_KEYS
    assert not answer["account_id"]  # identity: never echoed
    return answer


def _as_list(found: list | dict | None) -> list[dict]:
    """xmltodict reads one `<request>` as a dict, several as a list."""
    if found is None:
        return []
    return found if isinstance(found, list) else [found]


def test_discovery_and_services_have_the_specs_fields(writes):
    discovery = requests.get(f"{_endpoint(writes)}/discovery.json", timeout=TIMEOUT).json()
    assert set(discovery) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = discovery["endpoints"]
    assert set(endpoint) == {"specification", "url", "changeset", "type", "formats"}
    assert endpoint["url"] == _endpoint(writes) and "text/xml" in endpoint["formats"]

    categories = {c["code"]: c for c in writes.categories}
    as_json = GeoReport(_endpoint(writes)).get_service_list()
    as_xml = GeoReport(_endpoint(writes), output_format="xml").get_service_list()
    assert [s["service_code"] for s in as_json] == [s["service_code"] for s in as_xml]
    assert {s["service_code"] for s in as_json} == set(categories)
    for service, in_xml in zip(as_json, as_xml, strict=True):
        assert set(service) == set(in_xml) == SERVICE_KEYS
        assert (service["type"], service["metadata"], in_xml["metadata"]) == ("realtime", False, "false")
        assert service["service_name"] == in_xml["service_name"] == categories[service["service_code"]]["name"]
        dinas = categories[service["service_code"]]["dinas_code"]
        assert (service["group"] == "Kelurahan") == (dinas is None)
    bina_marga = next(s for s in as_json if categories[s["service_code"]]["dinas_code"] == "DBM")
    assert "Bina Marga" in bina_marga["group"]


def test_an_open311_app_submits_lists_and_fetches_without_identity_or_private_reports(writes):
    mark = marker()
    ident = _identity(mark)
    posted = {
        "public": _submit(writes, photo=exif_jpeg(mark), **{"attribute[private]": "false"}, **ident),
        "private": _submit(writes, "xml", photo=exif_jpeg(mark), **ident),  # private by default
    }
    seen = [response.content for response in posted.values()]
    answers = {"public": _submitted(posted["public"], "json"), "private": _submitted(posted["private"], "xml")}
    public, private = (answers[k]["service_request_id"] for k in ("public", "private"))
    assert "public" in answers["public"]["service_notice"] and "private" in answers["private"]["service_notice"]

    for fmt in ("json", "xml"):
        client = GeoReport(_endpoint(writes), output_format=fmt)
        listed = client.get_service_requests(service_request_id=f"{public},{private},{MISSING}")
        [one] = listed if fmt == "json" else _as_list(listed)
        assert one["service_request_id"] == public
        newest = _as_list(client.get_service_requests())
        assert public in [r["service_request_id"] for r in newest]
        assert private not in [r["service_request_id"] for r in newest]
        fetched = client.get_service_request(public)
        assert set(fetched) == REQUEST_KEYS
        assert (fetched["status"], fetched["service_code"], fetched["address_id"]) == (
            "open",
            writes.kelurahan_category,
            HOME,
        )
        assert fetched["description"].startswith("Lampu jalan mati")
        assert fetched["agency_responsible"].startswith("Kelurahan")
        assert float(fetched["lat"]) == -6.1702 and fetched["requested_datetime"].endswith("+07:00")

        # A private report answers exactly as a number that does not exist.
        hidden = requests.get(f"{_endpoint(writes)}/requests/{private}.{fmt}", timeout=TIMEOUT)
        missing = requests.get(f"{_endpoint(writes)}/requests/{MISSING}.{fmt}", timeout=TIMEOUT)
        assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content)
        assert hidden.status_code == 404
        seen += [hidden.content, missing.content]
        for path in (f"requests/{public}.{fmt}", f"requests.{fmt}", f"requests.{fmt}?service_request_id={private}"):
            seen.append(requests.get(f"{_endpoint(writes)}/{path}", timeout=TIMEOUT).content)

    # The public photo is served, stripped; the private one is as missing as no photo at all.
    photo = requests.get(fetched["media_url"], timeout=TIMEOUT)
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert b"Exif" not in photo.content
    hidden = requests.get(f"{_endpoint(writes)}/requests/{private}/media", timeout=TIMEOUT)
    missing = requests.get(f"{_endpoint(writes)}/requests/{MISSING}/media", timeout=TIMEOUT)
    assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content) == (404, missing.content)
    seen += [photo.content, hidden.content]

    # Operators read both reports, from the Open311 channel, without the reporter.
    for number, is_private in ((public, False), (private, True)):
        response = writes.get("supervisor", f"/reports/{number}")
        assert (response.json()["channel"], response.json()["private"]) == ("Open311", is_private)
        seen.append(response.content)
    seen.append(writes.get("supervisor", "/reports", params={"limit": 5}).content)
    assert not [blob for blob in seen if mark.lower().encode() in blob.lower()]

    # The identity is stored (so the checks above meant something): in the reporter table only.
    [(name, email, phone, account)] = query(
        writes.server.db,
        "SELECT r.name, r.email, r.phone, r.account FROM reporters r JOIN reports p ON p.id = r.report_id"
        f" WHERE p.number = '{public}'",
    )
    assert (name, email, phone) == (f"Ibu{mark} Sari{mark}", ident["email"], ident["phone"])
    assert account == f"acct{mark}; device dev{mark}"


def test_status_is_jakartas_lifecycle_and_notes_only_the_public_response(writes):
    number = _submitted(_submit(writes, **{"attribute[private]": "false"}), "json")["service_request_id"]
    client = GeoReport(_endpoint(writes))
    fresh = client.get_service_request(number)
    assert (fresh["status"], fresh["status_notes"], fresh["media_url"]) == ("open", None, None)

    internal = marker("INTERNAL")
    assert writes.assign("dispatcher", number, "officer").status_code == 200
    done = writes.follow_up("officer", number, [jpeg_bytes()], response="Lampu sudah diganti.", note=internal)
    assert done.status_code == 200, done.text
    waiting = requests.get(f"{_endpoint(writes)}/requests/{number}.json", timeout=TIMEOUT)
    assert waiting.json()[0]["status"] == "open"  # Menunggu Validasi is not Selesai
    assert waiting.json()[0]["status_notes"] == "Lampu sudah diganti."
    assert internal.encode() not in waiting.content

    assert writes.validate("validator", number, "accept").status_code == 200
    closed = client.get_service_request(number)
    assert (closed["status"], closed["status_notes"]) == ("closed", "Lampu sudah diganti.")
    by_status = {
        status: [r["service_request_id"] for r in client.get_service_requests(status=status)]
        for status in ("open", "closed")
    }
    assert number in by_status["closed"] and number not in by_status["open"]


def _errors(response: requests.Response, fmt: str, status: int) -> str:
    assert response.status_code == status, response.text
    if fmt == "xml":
        assert response.headers["content-type"].startswith("text/xml")
        [error] = _as_list(xmltodict.parse(response.content)["errors"]["error"])
        assert int(error["code"]) == status
    else:
        [error] = response.json()
        assert error["code"] == status
    assert set(error) == {"code", "description"}
    return error["description"]


def test_errors_have_the_specs_shape_and_ranges_and_pages_are_bounded(writes):
    mark = marker()
    refused = {
        "key": (_submit(writes, api_key=mark), 403),
        "service": (_submit(writes, "xml", service_code=mark), 400),
        "kelurahan": (_submit(writes, address_id=mark), 400),
        "field": (_submit(writes, "xml", **{"attribute[color]": mark}), 400),
        "private flag": (_submit(writes, **{"attribute[private]": mark}), 400),
        "jurisdiction": (_submit(writes, jurisdiction_id=mark), 404),
    }
    oversized = requests.post(
        f"{_endpoint(writes)}/requests.xml",
        data=b"description=" + b"x" * (9 * 1024 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=TIMEOUT,
    )
    refused["body"] = (oversized, 413)
    for what, (response, status) in refused.items():
        fmt = "xml" if response.url.endswith(".xml") else "json"
        description = _errors(response, fmt, status)
        assert mark not in description and mark.encode() not in response.content, what

    number = _submitted(_submit(writes, **{"attribute[private]": "false"}), "json")["service_request_id"]
    lists = f"{_endpoint(writes)}/requests"
    bad_queries = {  # what is wrong: (format, query, status)
        "span": ("json", {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, 400),
        "order": ("xml", {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, 400),
        "date": ("json", {"start_date": mark}, 400),
        "page": ("xml", {"page_size": "501"}, 400),
        "status": ("json", {"status": "pending"}, 400),
        "unknown": ("json", {"sort": "newest"}, 400),
        "jurisdiction": ("xml", {"jurisdiction_id": "bandung.go.id"}, 404),
    }
    for fmt, params, status in bad_queries.values():
        _errors(requests.get(f"{lists}.{fmt}", params=params, timeout=TIMEOUT), fmt, status)
    _errors(requests.get(f"{lists}.csv", timeout=TIMEOUT), "json", 404)

    old = {"start_date": "2025-01-01T00:00:00+07:00", "end_date": "2025-03-01T00:00:00+07:00"}
    assert requests.get(f"{lists}.json", params=old, timeout=TIMEOUT).json() == []
    recent = {"start_date": fetched_day(writes, number), "page_size": "1"}
    [newest] = requests.get(f"{lists}.json", params=recent, timeout=TIMEOUT).json()
    assert newest["requested_datetime"] >= recent["start_date"]


def fetched_day(writes, number: str) -> str:
    """The start of the day the report arrived, as the spec's W3C date-time."""
    requested = requests.get(f"{_endpoint(writes)}/requests/{number}.json", timeout=TIMEOUT).json()[0]
    return requested["requested_datetime"][:10] + "T00:00:00+07:00"


def test_an_app_without_address_ids_names_the_kelurahan_in_its_address(writes):
    # Apps that know no kelurahan codes send an address; the kelurahan after "Kel." routes it
    # (the longest name that fits), never a street named after another one.
    placed = {
        "Jl. Kramat Raya No. 5, Kel. Cideng, Kec. Gambir": HOME,
        "Jl. Cideng Barat 3, kelurahan Petojo Utara": "JP.GAMBIR.PETOJO-UTARA",
    }
    for address, kelurahan in placed.items():
        sent = _submit(writes, address_id="", address_string=address, **{"attribute[private]": "false"})
        number = _submitted(sent, "json")["service_request_id"]
        fetched = requests.get(f"{_endpoint(writes)}/requests/{number}.json", timeout=TIMEOUT).json()[0]
        assert (fetched["address_id"], fetched["address"]) == (kelurahan, address)
    for unplaced in ("Jl. Kramat Raya No. 5", "Kel. Atlantis", ""):
        # (no coordinates either: writes_server's boundaries would place the default point)
        _errors(_submit(writes, address_id="", address_string=unplaced, lat="", long=""), "json", 400)


def test_coordinates_alone_are_routed_by_the_citys_kelurahan_boundaries(writes):
    # writes_server has sample boundaries (tests/crm_server/data/kelurahan-squares.geojson): a
    # square for Cideng with a hole, and Petojo Utara (named, not coded) beside it and in the hole.
    points = {
        ("-6.1702", "106.8105"): HOME,
        ("-6.1700", "106.8250"): "JP.GAMBIR.PETOJO-UTARA",
        ("-6.1735", "106.8165"): "JP.GAMBIR.PETOJO-UTARA",  # in Cideng's hole
    }
    for (lat, lon), kelurahan in points.items():
        sent = _submit(writes, address_id="", address_string="", lat=lat, long=lon, **{"attribute[private]": "false"})
        number = _submitted(sent, "json")["service_request_id"]
        fetched = requests.get(f"{_endpoint(writes)}/requests/{number}.json", timeout=TIMEOUT).json()[0]
        assert fetched["address_id"] == kelurahan
    outside = _submit(writes, "xml", address_id="", address_string="", lat="-6.3", long="106.9")
    assert "lat/long" in _errors(outside, "xml", 400)


def test_a_retried_submission_with_an_idempotency_key_answers_the_first_number_once(writes):
    mark, key = marker("O311"), marker("RETRY")
    retries = [
        _submit(writes, fmt, photo=jpeg_bytes(), description=f"Pohon tumbang {mark}", headers={"Idempotency-Key": key})
        for fmt in ("json", "json", "xml")
    ]
    first, again = _submitted(retries[0], "json"), _submitted(retries[1], "json")
    assert retries[1].content == retries[0].content and again == first
    # The same key on another format's path is another request: refused, in the spec's shape (its 400).
    assert "Idempotency-Key" in _errors(retries[2], "xml", 400)
    found = writes.reports("supervisor", q=mark)["items"]
    assert [r["number"] for r in found] == [first["service_request_id"]]
