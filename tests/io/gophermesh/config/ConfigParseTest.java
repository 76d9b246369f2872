package io.gophermesh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Strict reading: every refusal says where, in one line. */
@Timeout(10)
class ConfigParseTest {

    static ConfigException refused(String json) {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.parse(json));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    static void assertMessage(String expected, ConfigException e) {
        assertEquals(expected, e.getMessage());
    }

    @Test
    void unknownRouteFieldNamesFieldRouteLineAndColumn() {
        String json = """
                {
                  "routes": {
                    "18081": {
                      "name": "x",
                      "endpoint": {}
                    }
                  }
                }""";
        assertMessage("config line 5, column 7: unknown field \"endpoint\" in route \"18081\"", refused(json));
    }

    @Test
    void unknownTopLevelField() {
        assertMessage("config line 1, column 31: unknown field \"dashbord_port\" at the top level",
                refused("{\"dashboard_host\": \"0.0.0.0\", \"dashbord_port\": \"1\"}"));
    }

    @Test
    void deprecatedEndpointsSchemaIsRefusedWithHint() {
        String json = """
                {
                  "dashboard_port": "9999",
                  "endpoints": {
                    "8081": {"name": "legacy", "cmd": "internal", "internal_port": "9999"}
                  }
                }""";
        String m = refused(json).getMessage();
        assertTrue(m.startsWith("config line 3, column 3: unknown field \"endpoints\" at the top level"), m);
        assertTrue(m.contains("\"routes\"") && m.contains("\"backends\""), m);
    }

    @Test
    void backendFieldDirectlyInRouteGetsHint() {
        String m = refused("{\"routes\": {\"8081\": {\"cmd\": \"internal\"}}}").getMessage();
        assertTrue(m.startsWith("config line 1, column 22: unknown field \"cmd\" in route \"8081\""), m);
        assertTrue(m.contains("\"backends\""), m);
    }

    @Test
    void unknownBackendFieldNamesBackendIndex() {
        String json = """
                {"routes": {"8081": {"backends": [
                  {"cmd": "a", "internal_port": "9001"},
                  {"cmd": "b", "internal_port": "9002", "weight": 2}
                ]}}}""";
        assertMessage("config line 3, column 41: unknown field \"weight\" in route \"8081\" backend 2",
                refused(json));
    }

    @Test
    void wrongCaseSuggestsTheField() {
        String m = refused("{\"Dashboard_Port\": \"9999\"}").getMessage();
        assertTrue(m.contains("unknown field \"Dashboard_Port\" at the top level (did you mean \"dashboard_port\"?)"),
                m);
    }

    @Test
    void numberWhereStringExpected() {
        assertMessage("config line 1, column 20: \"dashboard_port\" must be a string, not a number",
                refused("{\"dashboard_port\": 9999}"));
        String json = """
                {"routes": {"8081": {"backends": [
                  {"cmd": "a", "internal_port": 9001}
                ]}}}""";
        assertMessage("config line 2, column 33: \"internal_port\" in route \"8081\" backend 1 must be a string, "
                + "not a number", refused(json));
    }

    @Test
    void otherWrongTypes() {
        assertTrue(refused("{\"routes\": []}").getMessage()
                .contains("\"routes\" must be an object from public port to route, not a list"));
        assertTrue(refused("{\"routes\": {\"8081\": \"x\"}}").getMessage()
                .contains("route \"8081\" in routes must be an object, not a string"));
        assertTrue(refused("{\"routes\": {\"8081\": {\"backends\": {}}}}").getMessage()
                .contains("\"backends\" in route \"8081\" must be a list of backends, not an object"));
        assertTrue(refused("{\"routes\": {\"8081\": {\"backends\": [1]}}}").getMessage()
                .contains("backend 1 in route \"8081\" must be an object, not a number"));
        assertTrue(refused("{\"routes\": {\"8081\": {\"backends\": [{\"args\": \"-v\"}]}}}").getMessage()
                .contains("\"args\" in route \"8081\" backend 1 must be a list of strings, not a string"));
        assertTrue(refused("{\"routes\": {\"8081\": {\"backends\": [{\"args\": [\"a\", 2]}]}}}").getMessage()
                .contains("\"args\" entry 2 in route \"8081\" backend 1 must be a string, not a number"));
        assertTrue(refused("{\"trusted_origins\": \"*\"}").getMessage()
                .contains("\"trusted_origins\" must be a list of strings, not a string"));
        assertTrue(refused("{\"routes\": {\"8081\": {\"name\": true}}}").getMessage()
                .contains("\"name\" in route \"8081\" must be a string, not a boolean"));
        assertTrue(refused("{\"routes\": {\"8081\": {\"max_connections\": \"10\"}}}").getMessage()
                .contains("\"max_connections\" in route \"8081\" must be a whole number, not a string"));
    }

    @Test
    void integersMustBeWholeAndInRange() {
        assertMessage("config line 1, column 41: \"max_connections\" must be a whole number, not 1.5",
                refused("{\"routes\": {\"8081\": {\"max_connections\": 1.5}}}"));
        assertTrue(refused("{\"routes\": {\"8081\": {\"max_connections\": 1e3}}}").getMessage()
                .contains("must be a whole number"));
        assertTrue(refused("{\"routes\": {\"8081\": {\"max_connections\": 3000000000}}}").getMessage()
                .contains("\"max_connections\" 3000000000 is out of range"));
        assertTrue(refused("{\"routes\": {\"8081\": {\"max_body_size\": 99999999999999999999}}}").getMessage()
                .contains("\"max_body_size\" 99999999999999999999 is out of range"));
    }

    @Test
    void badDurationNamesFieldAndPosition() {
        String m = refused("{\"routes\": {\"8081\": {\"idle_timeout\": \"5 minutes\"}}}").getMessage();
        assertTrue(m.startsWith("config line 1, column 38: \"idle_timeout\": "), m);
        assertTrue(m.contains("5 minutes"), m);
        assertTrue(refused("{\"routes\": {\"8081\": {\"backends\": [{\"start_timeout\": 30}]}}}").getMessage()
                .contains("\"start_timeout\" in route \"8081\" backend 1 must be a string, not a number"));
    }

    @Test
    void duplicateKeysAreRefused() {
        String m = refused("{\"dashboard_port\": \"1\",\n \"dashboard_port\": \"2\"}").getMessage();
        assertTrue(m.startsWith("config line 2, column "), m);
        assertTrue(m.contains("duplicate field \"dashboard_port\" at the top level"), m);
        m = refused("{\"routes\": {\"8081\": {\"backends\": [{\"cmd\": \"a\", \"cmd\": \"b\"}]}}}").getMessage();
        assertTrue(m.contains("duplicate field \"cmd\" in route \"8081\" backend 1"), m);
        m = refused("{\"routes\": {\"8081\": {}, \"8081\": {}}}").getMessage();
        assertTrue(m.contains("duplicate field \"8081\" in routes"), m);
        m = refused("{\"routes\": {\"a'\\\"b\": {}, \"a'\\\"b\": {}}}").getMessage();
        assertTrue(m.contains("duplicate field \"a'\\\"b\" in routes"), m);
    }

    @Test
    void trailingContentIsRefused() {
        assertMessage("config line 2, column 1: unexpected content after the end of the document",
                refused("{}\n{}"));
        String m = refused("{} x").getMessage();
        assertTrue(m.startsWith("config line 1, column 4: invalid JSON"), m);
        assertTrue(refused("{},").getMessage().contains("invalid JSON"));
    }

    @Test
    void emptyOrNonObjectDocumentsAreRefused() {
        assertMessage("config is empty", refused(""));
        assertMessage("config is empty", refused(" \n\t "));
        assertMessage("config is empty", refused(null));
        assertMessage("config line 1, column 1: the document must be a JSON object, not a list", refused("[]"));
        assertMessage("config line 1, column 1: the document must be a JSON object, not null", refused("null"));
        assertTrue(refused("\"x\"").getMessage().contains("not a string"));
    }

    @Test
    void syntaxErrorsAreOneLineWithPosition() {
        String m = refused("{\"routes\": {\n").getMessage();
        assertTrue(m.startsWith("config line 2, column 1: invalid JSON"), m);
        assertFalse(m.contains("Source"), m);
        m = refused("{\"a\" 1}").getMessage();
        assertTrue(m.startsWith("config line 1, column 6: invalid JSON"), m);
        assertTrue(refused("{/* comment */}").getMessage().contains("invalid JSON"));
        assertTrue(refused("{\"routes\": {},}").getMessage().contains("invalid JSON"));
        assertTrue(refused("{'routes': {}}").getMessage().contains("invalid JSON"));
    }

    @Test
    void nullMeansUnset() throws ConfigException {
        Config c = Config.parse("""
                {"dashboard_host": null, "dashboard_port": null, "trusted_origins": null, "routes": {
                  "8081": {"name": null, "protocol": null, "backends": [
                    {"name": null, "cmd": "srv", "args": null, "internal_port": "9001", "start_timeout": null}]}}}""");
        assertEquals("127.0.0.1", c.dashboardHost());
        assertEquals("9999", c.dashboardPort());
        assertEquals("Route-8081-1", c.routes().get("8081").backends().getFirst().name());
        assertEquals(java.util.List.of(), c.routes().get("8081").backends().getFirst().args());
        assertTrue(refused("{\"routes\": {\"8081\": {\"backends\": null}}}").getMessage().contains("no backends"));
    }

    @Test
    void routesJsonIsParsedAsStrictly() throws ConfigException {
        Config base = Config.parse("{\"dashboard_port\": \"19999\", \"service_name\": \"svc\"}");
        ConfigException e = assertThrows(ConfigException.class,
                () -> base.withRoutesJson("{\"8081\": {\"backends\": [{\"cmd\": \"x\", \"port\": \"1\"}]}}"));
        assertEquals("routes line 1, column 37: unknown field \"port\" in route \"8081\" backend 1", e.getMessage());
        e = assertThrows(ConfigException.class, () -> base.withRoutesJson("[]"));
        assertTrue(e.getMessage().contains("must be a JSON object"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> base.withRoutesJson("{\"routes\": {}}"));
        assertTrue(e.getMessage().contains("\"routes\" in routes must be an object, not an object")
                || e.getMessage().contains("route \"routes\""), e.getMessage());
    }

    @Test
    void userTextInMessagesIsEscapedToOneLine() {
        assertMessage("config line 1, column 2: unknown field \"a\\nb\\u0001\" at the top level",
                refused("{\"a\\nb\\u0001\": 1}"));
        String m = refused("{\"routes\": {\"8081\": {\"backends\": [{\"name\": \"x\\ny\", \"cmd\": \"s\"}]}}}")
                .getMessage();
        assertEquals("route 8081 backend x\\ny: internal_port is missing (needed for http routes)", m);
        m = refused("{\"routes\": {\"80\\u202881\": {}}}").getMessage();
        assertEquals("route \"80\\u202881\": port \"80\\u202881\" is not a number", m);
    }
}
