def test_the_demo_zones_are_added_once(app, tenant, enable_plugins, client_as, make_study):
    enable_plugins(tenant, "side_by_side")
    manager = client_as(tenant, "study_manager")
    made = make_study(manager, "PAR", reference="DEMO-SPLIT")
    for _ in range(2):
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(made.headers["Study-Uuid"]))
            ).scalar_one()
            add_demo_zones(study)
    zones: Any = manager.get(f"{BASE}/zones/", headers=made.headers)
    assert [zone["code"] for zone in zones.json] == ["CTL", "LFD", "LFP", "RFD", "RFP"]
    assert [zone["control"] for zone in zones.json] == [True, False, False, False, False]
