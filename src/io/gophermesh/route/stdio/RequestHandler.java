package io.gophermesh.route.stdio;

import java.io.IOException;

/** Serves one HTTP request with one child: the http mode and the cgi mode. */
interface RequestHandler {

    /**
     * Serves the request and writes its whole response, or an error response.
     *
     * @param exchange the request, its client and its route
     * @return true when the connection may carry another request; false closes it
     * @throws IOException when the client connection fails
     */
    boolean handle(HttpExchange exchange) throws IOException;
}
