package dev.llmc.helm;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.llmc.helm.RenderedChart.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who reaches which port of the gateway: the API (http) through its Service and the optional Ingress, health and
 * metrics (management) only through the headless management Service, Prometheus and the pod's own probes; the
 * NetworkPolicies enforce the same split.
 */
class GatewayExposureTest {
    private static final Map<String, Object> PROMETHEUS = Map.of(
            "namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring")),
            "podSelector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "prometheus")));

    private final RenderedChart defaults = RenderedChart.render();

    @Test
    void prometheusScrapesTheManagementPortNamedByThePodAnnotations() {
        Map<String, Object> annotations = at(defaults.get("Deployment", "llmc-gateway"), "spec", "template", "metadata", "annotations");

        assertEquals("true", annotations.get("prometheus.io/scrape"));
        assertEquals("/prometheus", annotations.get("prometheus.io/path"));
        assertEquals("8081", annotations.get("prometheus.io/port"));
        assertEquals(8081, containerPort(defaults, "management"));
    }

    @Test
    void thePublicServiceCarriesOnlyTheApiPortAndAHeadlessServiceTheManagementPort() {
        List<Map<String, Object>> publicPorts = at(defaults.get("Service", "llmc-gateway"), "spec", "ports");
        Map<String, Object> management = defaults.get("Service", "llmc-gateway-management");

        assertEquals(List.of(Map.of("name", "http", "port", 80, "targetPort", "http")), publicPorts);
        assertEquals("None", at(management, "spec", "clusterIP"));
        assertEquals(List.of(Map.of("name", "management", "port", 8081, "targetPort", "management")), at(management, "spec", "ports"));
        assertEquals(gatewayPods(defaults), at(management, "spec", "selector"));
    }

    @Test
    void theIngressIsOptionalAndRoutesOnlyTheApiPortOfThePublicService() {
        assertFalse(defaults.kinds().contains("Ingress"));
        RenderedChart withIngress = RenderedChart.renderWith(Map.of("gateway.ingress.enabled", "true",
                "gateway.ingress.host", "chat.example.com", "gateway.ingress.className", "nginx", "gateway.ingress.tlsSecretName", "chat-tls"));

        Map<String, Object> ingress = withIngress.get("Ingress", "llmc-gateway");
        List<Map<String, Object>> rules = at(ingress, "spec", "rules");
        assertEquals(1, rules.size());
        assertEquals("chat.example.com", rules.getFirst().get("host"));
        List<Map<String, Object>> paths = at(rules.getFirst(), "http", "paths");
        assertEquals(1, paths.size());
        assertEquals(Map.of("name", "llmc-gateway", "port", Map.of("name", "http")), at(paths.getFirst(), "backend", "service"));
        assertEquals("nginx", at(ingress, "spec", "ingressClassName"));
        assertEquals(List.of(Map.of("hosts", List.of("chat.example.com"), "secretName", "chat-tls")), at(ingress, "spec", "tls"));
        // That Service's http port leads to the container's API port, not the management port.
        List<Map<String, Object>> servicePorts = at(withIngress.get("Service", "llmc-gateway"), "spec", "ports");
        assertTrue(servicePorts.stream().allMatch(port -> "http".equals(port.get("targetPort"))), servicePorts.toString());
    }

    @Test
    void theServiceMonitorIsOptionalAndScrapesTheManagementService() {
        assertFalse(defaults.kinds().contains("ServiceMonitor"));
        RenderedChart monitored = RenderedChart.renderWith(Map.of("gateway.serviceMonitor.enabled", "true",
                "gateway.serviceMonitor.labels.release", "prometheus"));

        Map<String, Object> monitor = monitored.get("ServiceMonitor", "llmc-gateway");
        assertEquals("prometheus", at(monitor, "metadata", "labels", "release"));
        Map<String, Object> selected = at(monitor, "spec", "selector", "matchLabels");
        Map<String, Object> managementLabels = at(monitored.get("Service", "llmc-gateway-management"), "metadata", "labels");
        Map<String, Object> publicLabels = at(monitored.get("Service", "llmc-gateway"), "metadata", "labels");
        assertTrue(managementLabels.entrySet().containsAll(selected.entrySet()), "selects the management Service: " + selected);
        assertFalse(publicLabels.entrySet().containsAll(selected.entrySet()), "must not select the public Service: " + selected);
        assertEquals(List.of(Map.of("port", "management", "path", "/prometheus", "interval", "30s")), at(monitor, "spec", "endpoints"));
    }

    @Test
    void theGatewayPolicyAdmitsTheApiFromAnywhereAndTheManagementPortFromPrometheusOnly() {
        Map<String, Object> policy = defaults.get("NetworkPolicy", "llmc-gateway");

        assertEquals(gatewayPods(defaults), at(policy, "spec", "podSelector", "matchLabels"));
        assertEquals(List.of("Ingress"), at(policy, "spec", "policyTypes"));
        List<Map<String, Object>> rules = at(policy, "spec", "ingress");
        assertEquals(2, rules.size());
        assertEquals(List.of(Map.of("port", "http")), rules.get(0).get("ports"));
        assertFalse(rules.get(0).containsKey("from"), "no from: any source may reach the API");
        assertEquals(List.of(Map.of("port", "management")), rules.get(1).get("ports"));
        assertEquals(List.of(PROMETHEUS), rules.get(1).get("from"));
    }

    @Test
    void thePolicyTakesItsSourcesFromValuesAndCanBeTurnedOff() {
        RenderedChart restricted = RenderedChart.renderWith(Map.of(
                "networkPolicy.httpFrom[0].namespaceSelector.matchLabels.team", "frontend",
                "networkPolicy.prometheus.namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name", "observability",
                "networkPolicy.prometheus.podSelector.matchLabels.app\\.kubernetes\\.io/name", "vmagent"));
        List<Map<String, Object>> rules = at(restricted.get("NetworkPolicy", "llmc-gateway"), "spec", "ingress");

        assertEquals(List.of(Map.of("namespaceSelector", Map.of("matchLabels", Map.of("team", "frontend")))), rules.get(0).get("from"));
        assertEquals(List.of(Map.of(
                        "namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "observability")),
                        "podSelector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "vmagent")))),
                rules.get(1).get("from"));
        assertFalse(RenderedChart.renderWith(Map.of("networkPolicy.enabled", "false")).kinds().contains("NetworkPolicy"));
    }

    @Test
    void aGpuNodeAdmitsOnlyTheGatewayAndPrometheus() {
        RenderedChart production = RenderedChart.render("values-production.yaml");
        Map<String, Object> policy = production.get("NetworkPolicy", "llmc-gpu-node");

        Map<String, Object> gpuNodePods = at(production.get("Deployment", "llmc-gpu-node"), "spec", "selector", "matchLabels");
        assertEquals(gpuNodePods, at(policy, "spec", "podSelector", "matchLabels"));
        List<Map<String, Object>> rules = at(policy, "spec", "ingress");
        assertEquals(1, rules.size());
        assertEquals(List.of(Map.of("port", "http")), rules.getFirst().get("ports"));
        assertEquals(List.of(Map.of("podSelector", Map.of("matchLabels", gatewayPods(production))), PROMETHEUS),
                rules.getFirst().get("from"));
        assertFalse(defaults.find("NetworkPolicy", "llmc-gpu-node").isPresent(), "no gpu-node, no policy for it");
    }

    @Test
    void theProductionExampleAdmitsTheApiFromItsIngressControllerOnly() {
        RenderedChart production = RenderedChart.render("values-production.yaml");
        List<Map<String, Object>> rules = at(production.get("NetworkPolicy", "llmc-gateway"), "spec", "ingress");
        List<Map<String, Object>> ingressRules = at(production.get("Ingress", "llmc-gateway"), "spec", "rules");
        List<Map<String, Object>> paths = at(ingressRules.getFirst(), "http", "paths");

        assertEquals(List.of(Map.of("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "ingress-nginx")))),
                rules.get(0).get("from"));
        assertEquals(List.of(PROMETHEUS), rules.get(1).get("from"));
        assertEquals(Map.of("name", "llmc-gateway", "port", Map.of("name", "http")), at(paths.getFirst(), "backend", "service"));
        assertTrue(production.find("ServiceMonitor", "llmc-gateway").isPresent());
    }

    @Test
    void aManagementPortEqualToTheApiPortIsRefused() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> RenderedChart.renderWith(Map.of("gateway.managementPort", "8080")));
        assertTrue(refused.getMessage().contains("gateway.managementPort must differ from gateway.port"), refused.getMessage());
    }

    /** The gateway Deployment's pod selector labels. */
    private static Map<String, Object> gatewayPods(RenderedChart chart) {
        return at(chart.get("Deployment", "llmc-gateway"), "spec", "selector", "matchLabels");
    }

    private static int containerPort(RenderedChart chart, String name) {
        List<Map<String, Object>> ports = at(chart.container("Deployment", "llmc-gateway"), "ports");
        return ports.stream().filter(port -> name.equals(port.get("name"))).map(port -> (Integer) port.get("containerPort"))
                .findFirst().orElseThrow(() -> new AssertionError("no container port " + name + " in " + ports));
    }
}
