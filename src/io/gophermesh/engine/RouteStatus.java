package io.gophermesh.engine;

import java.util.List;

/**
 * One route as the dashboard API shows it.
 *
 * @param name        route name
 * @param protocol    http, tcp or stdio
 * @param stdioMode   stdio mode, empty for other protocols
 * @param loadBalance round_robin, least_conn or ip_hash
 * @param backends    its backends in config order
 */
public record RouteStatus(String name, String protocol, String stdioMode, String loadBalance,
                          List<BackendStatus> backends) {
}
