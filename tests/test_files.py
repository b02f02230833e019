"""The file-storage service: size and type limits, content checked against its type,
served to its tenant only; file questions take the id of an upload."""

from __future__ import annotations

import io

PDF = b"%PDF-1.7\n" + b"x" * 100


def upload(client, content: bytes, name: str = "consent.pdf", kind: str = "application/pdf"):
    return client.post(
        "/api/files/",
        data={"file": (io.BytesIO(content), name, kind)},
        content_type="multipart/form-data",
    )


def test_an_upload_is_stored_and_served_back_to_its_tenant_only(client_as, tenant, other_tenant):
    investigator = client_as(tenant, "investigator")
    stored = upload(investigator, PDF)
    assert stored.status_code == 201, stored.json
    assert (stored.json["name"], stored.json["size"], stored.json["content_type"]) == (
        "consent.pdf",
        len(PDF),
        "application/pdf",
    )
    downloaded = investigator.get(f"/api/files/{stored.json['uuid']}")
    assert downloaded.status_code == 200 and downloaded.data == PDF
    assert "consent.pdf" in downloaded.headers["Content-Disposition"]
    assert client_as(other_tenant).get(f"/api/files/{stored.json['uuid']}").status_code == 404


def test_uploads_are_refused_by_type_content_and_size(app, client_as, tenant, monkeypatch):
    client = client_as(tenant, "investigator")
    assert (
        upload(client, b"MZ\x90\x00", "tool.exe", "application/x-msdownload").json["error"][
            "internal_name"
        ]
        == "FILE_REFUSED"
    )
    spoofed = upload(client, b"<html>not a pdf</html>", "fake.pdf", "application/pdf")
    assert (
        spoofed.status_code == 422 and "not a application/pdf" in spoofed.json["error"]["message"]
    )
    monkeypatch.setitem(app.config, "DATACAPT_MAX_UPLOAD_BYTES", 50)
    assert upload(client, PDF).status_code == 422
    assert (
        client.post("/api/files/", data={}, content_type="multipart/form-data").status_code == 422
    )


def test_uploading_and_reading_files_need_their_permissions(client_as, client_for, tenant):
    stored = upload(client_as(tenant, "investigator"), PDF).json
    assert upload(client_for(tenant), PDF).status_code == 401
    viewer = client_as(tenant, "viewer")
    assert upload(viewer, PDF).status_code == 403
    assert viewer.get(f"/api/files/{stored['uuid']}").status_code == 403
    assert client_as(tenant, "monitor").get(f"/api/files/{stored['uuid']}").status_code == 200


def test_a_document_whose_row_rolls_back_leaves_no_file(app, tenant):
    from datacapt.database import db
    from datacapt.files.services import (
        document_workspace,
        path_of,
        store_document,
        store_document_file,
    )
    from datacapt.tenancy import tenant_context

    with app.app_context(), tenant_context(tenant):
        written = document_workspace() / "export.csv"
        kept = store_document("kept.pdf", "application/pdf", PDF)
        savepoint = db.session.begin_nested()
        undone = store_document("undone.pdf", "application/pdf", PDF)
        savepoint.rollback()
        assert not path_of(undone).exists() and path_of(kept).exists()
        db.session.commit()
        assert path_of(kept).exists()
        written.write_bytes(b"a,b\n")
        moved = store_document_file("export.csv", "text/csv", written)
        assert path_of(moved).exists()
        db.session.rollback()
        assert not path_of(moved).exists() and path_of(kept).exists()


def test_a_document_of_record_is_served_only_as_it_was_made(app, tenant):
    import hashlib

    import pytest

    from datacapt.files.services import (
        DocumentAltered,
        path_of,
        store_document,
        verified_content,
    )
    from datacapt.tenancy import tenant_context

    made = hashlib.sha256(PDF).hexdigest()
    with app.app_context(), tenant_context(tenant):
        stored = store_document("record.pdf", "application/pdf", PDF)
        assert verified_content(stored.uuid, made) == PDF
        with pytest.raises(DocumentAltered) as other_hash:
            verified_content(stored.uuid, "0" * 64)
        assert other_hash.value.actual == made
        path_of(stored).write_bytes(PDF + b"changed")
        with pytest.raises(DocumentAltered) as altered:
            verified_content(stored.uuid, made)
        assert altered.value.actual == hashlib.sha256(PDF + b"changed").hexdigest()
        path_of(stored).unlink()
        with pytest.raises(DocumentAltered) as gone:
            verified_content(stored.uuid, made)
        assert gone.value.actual is None
