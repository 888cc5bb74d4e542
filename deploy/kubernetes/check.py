#!/usr/bin/env python3
"""Structural test of the Kubernetes manifests in this folder (run by .ci/run).

Parses every manifest and checks what a cluster would only reveal at deploy time: the kinds
are there, probes point at Nexus's health groups, ports are 4100, the Ingress keeps
WebSockets open, the HPA and PDB select the Deployment, no image floats on `latest`, and
nothing runs as root. Needs PyYAML (Debian: python3-yaml). Exit code 1 on any failure.
"""
import pathlib
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def load():
    docs = []
    for path in sorted(HERE.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                docs.append((path.name, doc))
    return docs


def one(docs, kind):
    found = [doc for _, doc in docs if doc.get("kind") == kind]
    check(len(found) == 1, f"expected exactly one {kind}, found {len(found)}")
    return found[0] if found else {}


def main():
    docs = load()
    kinds = {doc.get("kind") for _, doc in docs}
    wanted = {"Namespace", "ConfigMap", "Secret", "Deployment", "Service", "Ingress",
              "HorizontalPodAutoscaler", "PodDisruptionBudget", "Kustomization"}
    check(wanted <= kinds, f"missing kinds: {sorted(wanted - kinds)}")

    kustomization = one(docs, "Kustomization")
    listed = set(kustomization.get("resources", []))
    present = {name for name, doc in docs if doc.get("kind") != "Kustomization"}
    check(listed == present, f"kustomization resources {sorted(listed)} differ from the files {sorted(present)}")
    for name, doc in docs:
        if doc.get("kind") not in ("Namespace", "Kustomization"):
            check(doc.get("metadata", {}).get("namespace") == "nexus", f"{name}: namespace is not nexus")

    deployment = one(docs, "Deployment")
    spec = deployment.get("spec", {})
    pod_labels = spec.get("template", {}).get("metadata", {}).get("labels", {})
    selector = spec.get("selector", {}).get("matchLabels", {})
    check(spec.get("replicas") == 2, "Deployment must have 2 replicas")
    check(selector and selector.items() <= pod_labels.items(), "Deployment selector does not match its pod labels")
    rolling = spec.get("strategy", {}).get("rollingUpdate", {})
    check(rolling.get("maxUnavailable") == 0, "rolling update must keep every replica up (maxUnavailable 0)")

    pod = spec.get("template", {}).get("spec", {})
    check(pod.get("securityContext", {}).get("runAsNonRoot") is True, "pod securityContext.runAsNonRoot must be true")
    check(pod.get("securityContext", {}).get("runAsUser", 0) != 0, "pod must not run as uid 0")
    containers = pod.get("containers", [])
    check(len(containers) == 1, "expected one container")
    for container in containers:
        name = container.get("name")
        image = container.get("image", "")
        check(":" in image and not image.endswith(":latest"), f"{name}: image {image!r} needs a fixed tag, not latest")
        ports = {p.get("name"): p.get("containerPort") for p in container.get("ports", [])}
        check(ports.get("http") == 4100, f"{name}: container port http must be 4100, got {ports}")
        for probe, path in (("readinessProbe", "/health/readiness"), ("livenessProbe", "/health/liveness")):
            get = container.get(probe, {}).get("httpGet", {})
            check(get.get("path") == path, f"{name}: {probe} must GET {path}, got {get.get('path')}")
            check(get.get("port") in ("http", 4100), f"{name}: {probe} must use port 4100")
        security = container.get("securityContext", {})
        check(security.get("allowPrivilegeEscalation") is False, f"{name}: allowPrivilegeEscalation must be false")
        check("ALL" in security.get("capabilities", {}).get("drop", []), f"{name}: must drop ALL capabilities")
        resources = container.get("resources", {})
        check("requests" in resources and "limits" in resources, f"{name}: needs resource requests and limits")
        sources = {next(iter(ref)): ref[next(iter(ref))]["name"] for ref in container.get("envFrom", [])}
        check(sources.get("configMapRef") == one(docs, "ConfigMap").get("metadata", {}).get("name"),
              f"{name}: env must come from the ConfigMap")
        check(sources.get("secretRef") == one(docs, "Secret").get("metadata", {}).get("name"),
              f"{name}: env must come from the Secret")

    secret = one(docs, "Secret")
    for key, value in secret.get("stringData", {}).items():
        check("REPLACE_ME" in str(value), f"Secret {key} must be a placeholder marked REPLACE_ME, not a value")
    check({"DATABASE_URL", "NEXUS_JWT_SECRET", "NEXUS_ADMIN_PASSWORD"} <= set(secret.get("stringData", {})),
          "Secret must carry DATABASE_URL, NEXUS_JWT_SECRET and NEXUS_ADMIN_PASSWORD")

    service = one(docs, "Service")
    check(service.get("spec", {}).get("selector", {}).items() <= pod_labels.items(),
          "Service selector does not match the pod labels")
    service_ports = service.get("spec", {}).get("ports", [])
    check(any(p.get("port") == 4100 and p.get("targetPort") in ("http", 4100) for p in service_ports),
          "Service must expose port 4100 to the container's http port")

    ingress = one(docs, "Ingress")
    notes = ingress.get("metadata", {}).get("annotations", {})
    for key in ("nginx.ingress.kubernetes.io/proxy-read-timeout", "nginx.ingress.kubernetes.io/proxy-send-timeout"):
        check(int(notes.get(key, "0")) >= 3600, f"Ingress {key} must be at least 3600 for agent WebSockets")
    check(notes.get("nginx.ingress.kubernetes.io/proxy-http-version") == "1.1",
          "Ingress must proxy with HTTP/1.1 for the WebSocket upgrade")
    check(notes.get("nginx.org/websocket-services") == service["metadata"]["name"],
          "Ingress must name the Service in nginx.org/websocket-services")
    paths = [p for rule in ingress.get("spec", {}).get("rules", []) for p in rule.get("http", {}).get("paths", [])]
    check(any(p.get("path") == "/ws" for p in paths), "Ingress must route /ws")
    for p in paths:
        backend = p.get("backend", {}).get("service", {})
        check(backend.get("name") == service["metadata"]["name"], f"Ingress path {p.get('path')} must go to the Service")

    hpa = one(docs, "HorizontalPodAutoscaler")
    check(hpa.get("apiVersion") == "autoscaling/v2", "HPA must be autoscaling/v2")
    target = hpa.get("spec", {}).get("scaleTargetRef", {})
    check(target.get("kind") == "Deployment" and target.get("name") == deployment["metadata"]["name"],
          f"HPA must target the Deployment, targets {target}")
    check(hpa.get("spec", {}).get("minReplicas", 0) >= 2, "HPA minReplicas must keep at least 2 replicas")

    pdb = one(docs, "PodDisruptionBudget")
    pdb_selector = pdb.get("spec", {}).get("selector", {}).get("matchLabels", {})
    check(pdb_selector and pdb_selector.items() <= pod_labels.items(), "PDB selector does not match the pod labels")

    if failures:
        for failure in failures:
            print(f"FAIL: {failure}")
        return 1
    print(f"Kubernetes manifests OK: {len(docs)} documents, kinds {sorted(kinds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
