"""deploy/ validates offline, without a cluster or Docker:

- Kubernetes manifests against the Kubernetes OpenAPI schemas shipped by ``kubernetes-validate``
  (strict: unknown fields fail), KEDA ScaledObjects against a JSON schema written from KEDA's
  documented ScaledObject spec in tests/fixtures/schemas (made strict the same way), plus the
  cross-references no schema knows (consumer groups, topics, probes, GPU scheduling, setting names);
- docker-compose.yml against the compose-spec JSON schema shipped by ``check-jsonschema``;
- Prometheus rules and Grafana dashboards: every PromQL expression parses (``promql-parser``) and
  names only metrics and labels callstream exports.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from processors.scorecard import ScorecardError, parse_scorecard
from streams.settings import STAGES, Settings
from streams.topics import ALL
from tests.deploy_checks import (
    DASHBOARDS,
    DEPLOY,
    ROOT,
    all_values,
    datasource_type,
    grafana_promql,
    load_dashboard,
    panels,
    promql_problems,
)

K8S = DEPLOY / "k8s"
K8S_VERSION = "1.31.0"
KEDA_SCHEMA = ROOT / "tests" / "fixtures" / "schemas" / "scaledobject.schema.json"
COMPOSE = DEPLOY / "compose" / "docker-compose.yml"
PROMETHEUS = DEPLOY / "prometheus"
SETTING_VARS = {f"CALLSTREAM_{name.upper()}" for name in Settings.model_fields} | {"CALLSTREAM_CONFIG"}
TOPICS = {spec.name for spec in ALL}
# Topics each stage's agent reads (what a consumer group must be lagging on).
STAGE_INPUTS = {
    "transcribe": {"calls.completed"},
    "filter": {"calls.transcribed"},
    "compress": {"calls.filtered"},
    "score": {"calls.compressed"},
    "sink": {"calls.scored", "calls.alerts", "calls.dlq"},
    "alerts": {"calls.scored", "calls.alerts.candidates"},
    "notify": {"calls.alerts"},
}
KAFKA_TRIGGER_KEYS = {  # KEDA kafka scaler metadata (keda.sh/docs/latest/scalers/apache-kafka)
    "bootstrapServers",
    "consumerGroup",
    "topic",
    "lagThreshold",
    "activationLagThreshold",
    "offsetResetPolicy",
    "allowIdleConsumers",
    "scaleToZeroOnInvalidOffset",
    "excludePersistentLag",
    "limitToPartitionsWithLag",
    "partitionLimitation",
    "version",
    "sasl",
    "tls",
}


def load_all(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def manifests() -> list[tuple[str, dict[str, Any]]]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    out = []
    for name in kustomization["resources"]:
        for doc in load_all(K8S / name):
            out.append((f"{name}:{doc['kind']}/{doc['metadata']['name']}", doc))
    return out


MANIFESTS = manifests()


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for _, doc in MANIFESTS if doc["kind"] == kind]


def env_of(deployment: dict[str, Any]) -> dict[str, str]:
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    return {e["name"]: e.get("value", "") for e in container.get("env", [])}


def config_map() -> dict[str, str]:
    (cm,) = of_kind("ConfigMap")
    return cm["data"]


def _strict(schema: Any) -> Any:
    """Reject unknown fields like the API server's structural pruning would silently drop them."""
    if isinstance(schema, dict):
        schema = {k: _strict(v) for k, v in schema.items()}
        if schema.get("type") == "object" and "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
    elif isinstance(schema, list):
        schema = [_strict(v) for v in schema]
    return schema


def keda_validator() -> jsonschema.Draft7Validator:
    schema = json.loads(KEDA_SCHEMA.read_text())
    schema["properties"]["metadata"] = {"type": "object"}  # ObjectMeta: checked by the core schemas' rules
    return jsonschema.Draft7Validator(_strict(schema))


# --- Kubernetes ---------------------------------------------------------------------------------------


def test_kustomization_lists_every_manifest():
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk
    assert not list(K8S.glob("*.json")), "kubectl apply -f would try to apply JSON files as manifests"


@pytest.mark.parametrize(
    "name,doc",
    [m for m in MANIFESTS if m[1]["kind"] != "ScaledObject"],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_manifest_matches_the_kubernetes_schema(name, doc):
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_the_kubernetes_validator_works_offline_and_rejects_mistakes():
    (deployment,) = [d for d in of_kind("Deployment") if d["metadata"]["name"] == "callstream-text"]
    broken = copy.deepcopy(deployment)
    broken["spec"]["template"]["spec"]["containers"][0]["livenessprobe"] = {}  # typo: unknown field
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)
    broken = copy.deepcopy(deployment)
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)


@pytest.mark.parametrize("so", of_kind("ScaledObject"), ids=lambda so: so["metadata"]["name"])
def test_scaled_object_matches_the_keda_crd(so):
    errors = sorted(keda_validator().iter_errors(so), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_keda_schema_rejects_mistakes():
    so = copy.deepcopy(of_kind("ScaledObject")[0])
    so["spec"]["maxReplicas"] = 3  # the field is maxReplicaCount
    assert list(keda_validator().iter_errors(so))
    so = copy.deepcopy(of_kind("ScaledObject")[0])
    del so["spec"]["triggers"][0]["type"]
    assert list(keda_validator().iter_errors(so))


def test_scaled_objects_scale_on_their_own_consumer_groups_lag():
    deployments = {d["metadata"]["name"]: d for d in of_kind("Deployment")}
    partitions = int(config_map()["CALLSTREAM_PARTITIONS"])
    bootstrap = config_map()["CALLSTREAM_KAFKA_BOOTSTRAP"]
    targets = set()
    for so in of_kind("ScaledObject"):
        target = so["spec"]["scaleTargetRef"]["name"]
        assert target in deployments, f"{so['metadata']['name']} scales a missing Deployment"
        targets.add(target)
        assert so["spec"]["maxReplicaCount"] <= partitions, "replicas beyond the partition count sit idle"
        for trigger in so["spec"]["triggers"]:
            assert trigger["type"] == "kafka"
            meta = trigger["metadata"]
            assert set(meta) <= KAFKA_TRIGGER_KEYS, set(meta) - KAFKA_TRIGGER_KEYS
            assert {"bootstrapServers", "consumerGroup", "topic", "lagThreshold"} <= set(meta)
            assert meta["bootstrapServers"] == bootstrap
            assert int(meta["lagThreshold"]) > 0
            assert meta["topic"] in TOPICS
            # the group is a callstream worker pool's app id, and that pool's stages read the topic
            (pool,) = [
                d for d in deployments.values() if env_of(d).get("CALLSTREAM_APP_ID") == meta["consumerGroup"]
            ]
            args = pool["spec"]["template"]["spec"]["containers"][0]["args"]
            stages = args[args.index("--stages") + 1].split(",")
            assert meta["topic"] in set().union(*(STAGE_INPUTS[s] for s in stages)), (meta["topic"], stages)
    assert {"callstream-transcribe", "callstream-text", "callstream-sink", "vllm"} <= targets


def test_worker_deployments_split_stages_with_probes_on_the_health_endpoint():
    health_port = int(config_map()["CALLSTREAM_HEALTH_PORT"])
    seen: list[str] = []
    groups = set()
    for deployment in of_kind("Deployment"):
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        if container["args"][0] != "worker":
            continue
        stages = container["args"][container["args"].index("--stages") + 1].split(",")
        assert set(stages) <= set(STAGES)
        seen += stages
        groups.add(env_of(deployment)["CALLSTREAM_APP_ID"])
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports["health"] == health_port
        assert ports["metrics"] == int(config_map()["CALLSTREAM_METRICS_PORT"])
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "health"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "health"}
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/port"] == str(ports["metrics"])
    assert sorted(seen) == sorted(STAGES), "every stage runs in exactly one pool"
    assert len(groups) == len(of_kind("ScaledObject")) - 1  # one consumer group per pool (vLLM reuses text's)


def test_gpu_pools_are_scheduled_on_gpu_nodes():
    gpu = {
        d["metadata"]["name"]: d
        for d in of_kind("Deployment")
        if d["metadata"]["name"] in ("callstream-transcribe", "vllm")
    }
    assert len(gpu) == 2
    for name, deployment in gpu.items():
        spec = deployment["spec"]["template"]["spec"]
        assert spec["nodeSelector"], name
        assert any(
            t["key"] == "nvidia.com/gpu" and t["effect"] == "NoSchedule" for t in spec["tolerations"]
        ), name
        assert spec["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] == 1, name
    assert env_of(gpu["callstream-transcribe"])["CALLSTREAM_WHISPER_DEVICE"] == "cuda"
    for deployment in of_kind("Deployment"):
        if deployment["metadata"]["name"] not in gpu:
            container = deployment["spec"]["template"]["spec"]["containers"][0]
            assert "nvidia.com/gpu" not in container["resources"].get("limits", {})


def test_kafka_and_clickhouse_are_external_settings():
    names = {doc["metadata"]["name"] for _, doc in MANIFESTS}
    assert not any("kafka" in n or "clickhouse" in n for n in names), (
        "external dependencies, not deployed here"
    )
    (secret,) = of_kind("Secret")
    assert secret["stringData"]["CALLSTREAM_CLICKHOUSE_DSN"].startswith(("http://", "https://"))
    assert config_map()["CALLSTREAM_KAFKA_BOOTSTRAP"]


def test_every_setting_named_in_deploy_files_exists():
    names: set[str] = set(config_map())
    names |= set(of_kind("Secret")[0]["stringData"])
    for deployment in of_kind("Deployment"):
        names |= set(env_of(deployment))
    compose = yaml.safe_load(COMPOSE.read_text())
    for service in compose["services"].values():
        names |= set(service.get("environment") or {})
    for example in (DEPLOY / "compose").glob("*.example"):
        names |= set(re.findall(r"^#?\s*(CALLSTREAM_[A-Z0-9_]+)=", example.read_text(), re.M))
    callstream = {n for n in names if n.startswith("CALLSTREAM_")}
    unknown = callstream - SETTING_VARS - {"CALLSTREAM_IMAGE", "CALLSTREAM_GPU_IMAGE"}
    assert not unknown, f"not a callstream setting: {sorted(unknown)}"
    Settings(**{k.removeprefix("CALLSTREAM_").lower(): v for k, v in config_map().items()})  # values validate


# --- docker compose -------------------------------------------------------------------------------------


def check_jsonschema(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("check-jsonschema")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120)


def test_compose_file_matches_the_compose_spec():
    result = check_jsonschema("--builtin-schema", "vendor.compose-spec", str(COMPOSE))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_validator_rejects_mistakes(tmp_path):
    broken = COMPOSE.read_text().replace(
        "    restart: unless-stopped\n", "    restart: unless-stopped\n    imagee: x\n", 1
    )
    (tmp_path / "docker-compose.yml").write_text(broken)
    result = check_jsonschema("--builtin-schema", "vendor.compose-spec", str(tmp_path / "docker-compose.yml"))
    assert result.returncode != 0
    assert "imagee" in result.stdout + result.stderr


def test_compose_runs_every_stage_and_the_full_stack():
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    assert {
        "kafka",
        "clickhouse",
        "prometheus",
        "grafana",
        "vllm",
        "transcribe",
        "text",
        "sink",
        "ingest",
    } <= set(services)
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft
    assert services["vllm"]["profiles"] == ["gpu"]
    stages: list[str] = []
    groups = {}
    for name, service in services.items():
        command = service.get("command") or []
        if command[:1] == ["worker"] and "gpu" not in service.get("profiles", []):
            stages += command[command.index("--stages") + 1].split(",")
            groups[name] = service["environment"]["CALLSTREAM_APP_ID"]
            assert service["environment"]["CALLSTREAM_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert sorted(stages) == sorted(STAGES)
    assert len(set(groups.values())) == len(groups)
    # Prometheus discovers exactly the callstream services
    prometheus = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    (job,) = [j for j in prometheus["scrape_configs"] if j["job_name"] == "callstream"]
    assert set(job["dns_sd_configs"][0]["names"]) == {"transcribe", "text", "sink", "ingest"}
    # bind mounts point at files of this repository
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("../"):
                assert (COMPOSE.parent / source).exists(), f"{name}: {source}"


def test_dockerfile_ships_the_migrations_and_health_port():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "COPY deploy/clickhouse ./deploy/clickhouse" in dockerfile  # streams.clickhouse.DDL_DIR
    assert "pip install --no-deps -e ." in dockerfile
    assert "CALLSTREAM_HEALTH_PORT=8081" in dockerfile and "/healthz" in dockerfile
    assert re.search(r"^FROM .* AS gpu$", dockerfile, re.M)


# --- Prometheus -----------------------------------------------------------------------------------------

RULES = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
ALL_RULES = [rule for group in RULES["groups"] for rule in group["rules"]]
DURATION = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")


def test_prometheus_configs_load_the_rules():
    for name in ("prometheus.yml", "prometheus-k8s.yml"):
        config = yaml.safe_load((PROMETHEUS / name).read_text())
        assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
        assert any(job["job_name"] == "callstream" for job in config["scrape_configs"])
        assert DURATION.match(config["global"]["scrape_interval"])


def test_alert_rules_are_well_formed():
    assert RULES.keys() == {"groups"}
    names = [rule["alert"] for rule in ALL_RULES]
    assert len(names) == len(set(names))
    for rule in ALL_RULES:
        keys = {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
        assert set(rule) <= keys, rule["alert"]
        assert rule["labels"]["severity"] in ("warning", "critical")
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        if "for" in rule:
            assert DURATION.match(rule["for"]), rule["for"]
    covered = " ".join(rule["expr"] for rule in ALL_RULES)
    for metric in (
        "callstream_consumer_lag",
        "callstream_records_failed_total",
        "callstream_sink_flush_failures_total",
        "up",
        "callstream_end_to_end_seconds_bucket",
    ):
        assert metric in covered, f"no alert on {metric}"


def test_the_dead_letter_alert_sees_a_failure_class_first_seen_in_its_window():
    """An error class's series starts at 1 (it is not known in advance, so not created at 0), and
    increase() needs two samples: the first dead letter of a new class was invisible to the alert."""
    rule = next(rule for rule in ALL_RULES if rule["alert"] == "CallstreamDeadLetters")
    assert " or " in rule["expr"]
    assert "callstream_records_failed_total unless callstream_records_failed_total offset 15m" in rule["expr"]
    assert promql_problems(rule["expr"]) == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r["alert"])
def test_alert_expression_parses_and_uses_real_metrics(rule):
    assert promql_problems(rule["expr"]) == []


def test_the_promql_check_rejects_unknown_metrics_and_labels():
    assert promql_problems("rate(callstream_records_in_total[5m])") == []
    assert promql_problems("rate(callstream_recordz_in_total[5m])")
    assert promql_problems('sum(callstream_records_in_total{stag="x"})')
    with pytest.raises(ValueError):
        promql_problems("sum(rate(callstream_records_in_total[5m])")


# --- Grafana --------------------------------------------------------------------------------------------


def prometheus_targets() -> list[tuple[str, str]]:
    out = []
    for path in DASHBOARDS:
        for panel in panels(load_dashboard(path)):
            for target in panel.get("targets", []):
                if datasource_type(panel, target) == "prometheus":
                    out.append((f"{path.stem}: {panel['title']} [{target['refId']}]", target["expr"]))
    return out


def test_grafana_provisioning_matches_the_dashboards():
    datasources = yaml.safe_load((DEPLOY / "grafana/provisioning/datasources/callstream.yaml").read_text())
    provisioned = {(d["type"], d["uid"]) for d in datasources["datasources"]}
    assert ("grafana-clickhouse-datasource", "clickhouse") in provisioned
    assert ("prometheus", "prometheus") in provisioned
    dashboards = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/callstream.yaml").read_text())
    assert dashboards["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards/callstream"
    uids = set()
    for path in DASHBOARDS:
        board = load_dashboard(path)
        assert board["uid"] not in uids
        uids.add(board["uid"])
        ids = [p["id"] for p in panels(board)]
        assert len(ids) == len(set(ids)), path.name
        for panel in panels(board):
            grid = panel["gridPos"]
            assert {"h", "w", "x", "y"} <= set(grid) and grid["x"] + grid["w"] <= 24
            for target in panel.get("targets", []):
                ds = target.get("datasource") or panel["datasource"]
                assert (ds["type"], ds["uid"]) in provisioned, f"{path.name}: {panel['title']}"
                assert target.get("rawSql") or target.get("expr"), f"{path.name}: {panel['title']}"
        for var in board["templating"]["list"]:
            assert (var["datasource"]["type"], var["datasource"]["uid"]) in provisioned


# How a panel follows the `scorecard` variable: any card with "All" (its allValue), else the one chosen.
def _follows_scorecard(all_value: str) -> re.Pattern[str]:
    return re.compile(rf"'\$\{{scorecard\}}' IN \('{re.escape(all_value)}', (\w+\.)?scorecard_id\)")


def test_scorecard_variables_offer_all_without_blending_cards():
    """A `scorecard` variable offers "All" as a custom allValue no scorecard id can be (Grafana sends it
    as it is, unquoted), one card at a time otherwise. Every ClickHouse panel of its dashboard follows
    it as `'${scorecard}' IN ('<all value>', scorecard_id)` (every card, or the chosen one; never
    `scorecard_id = '${scorecard}'`, which "All" would leave empty), or says it covers every scorecard."""
    boards = 0
    for path in DASHBOARDS:
        board = load_dashboard(path)
        [var] = [v for v in board["templating"]["list"] if v["name"] == "scorecard"] or [None]
        if var is None:
            continue
        boards += 1
        assert var["includeAll"] and not var["multi"], path.name
        all_value = all_values(board)["scorecard"]
        with pytest.raises(ScorecardError, match="id"):
            parse_scorecard({"id": all_value, "version": "1", "criteria": []})
        follows = _follows_scorecard(all_value)
        for panel in panels(board):
            for target in panel.get("targets", []):
                if datasource_type(panel, target) != "grafana-clickhouse-datasource":
                    continue
                sql, name = target["rawSql"], f"{path.name}: {panel['title']}"
                mentions = len(re.findall(r"\$\{?scorecard\b", sql))
                assert mentions == len(follows.findall(sql)), f"{name}: ${{scorecard}} used otherwise"
                if not mentions:
                    assert panel["description"].startswith("Every scorecard"), name
    assert boards == 2


def test_the_scorecard_variable_check_knows_the_all_value():
    follows = _follows_scorecard("*")
    assert follows.search("WHERE '${scorecard}' IN ('*', c.scorecard_id)")
    assert not follows.search("WHERE scorecard_id = '${scorecard}'")
    assert not follows.search("WHERE '${scorecard}' IN ('__all', scorecard_id)")


def test_pipeline_health_dashboard_covers_throughput_lag_rtf_and_errors():
    exprs = " ".join(expr for name, expr in prometheus_targets() if name.startswith("pipeline-health"))
    for metric in (
        "callstream_records_out_total",
        "callstream_consumer_lag",
        "callstream_audio_seconds_total",
        "callstream_records_failed_total",
        "callstream_end_to_end_seconds_bucket",
    ):
        assert metric in exprs


@pytest.mark.parametrize("name,expr", prometheus_targets(), ids=[n for n, _ in prometheus_targets()])
def test_dashboard_promql_parses_and_uses_real_metrics(name, expr):
    assert promql_problems(grafana_promql(expr)) == []
