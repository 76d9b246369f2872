package io.gophermesh.launch;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gophermesh.config.BackendConfig;
import io.gophermesh.config.Config;
import io.gophermesh.config.LoadBalance;
import io.gophermesh.config.Protocol;
import io.gophermesh.config.RouteConfig;

/** Configs built from the records directly, so the launch tests do not need the config loader. */
final class LaunchFixtures {
    private LaunchFixtures() {
    }

    static Config config(String dashboardPort, Path path, int... ports) {
        Map<String, RouteConfig> routes = new LinkedHashMap<>();
        for (int port : ports) {
            BackendConfig backend = new BackendConfig("b-" + port, "", List.of(), "127.0.0.1",
                    String.valueOf(port + 1), null, null, null);
            routes.put(String.valueOf(port), new RouteConfig("Route-" + port, Protocol.HTTP, null,
                    LoadBalance.ROUND_ROBIN, List.of(backend), null, null, null, null, null, null, null, null, null, null));
        }
        return new Config("127.0.0.1", dashboardPort, List.of("*"), null, null, null, routes, path);
    }

    /** @return whether {@link Config#load} and friends are implemented in this build */
    static boolean configImplemented() {
        try {
            Config.defaults();
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }
}
