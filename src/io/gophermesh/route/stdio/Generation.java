package io.gophermesh.route.stdio;

import io.gophermesh.route.RouteContext;

/**
 * One generation of a route's config with the warm pool started for it. A reload replaces the
 * generation; the old pool is retired, exchanges in progress keep their child.
 *
 * @param context the route's context
 * @param pool    warm children, {@code null} without {@code prewarm}
 */
record Generation(RouteContext context, WarmPool pool) {
}
