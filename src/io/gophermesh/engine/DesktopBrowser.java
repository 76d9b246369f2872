package io.gophermesh.engine;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** Opens a URL in the user's browser, best effort and silent: a headless machine has none. */
final class DesktopBrowser {
    private DesktopBrowser() {
    }

    static void open(String url) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        List<String> cmd;
        if (os.contains("win")) {
            cmd = List.of("rundll32", "url.dll,FileProtocolHandler", url);
        } else if (os.contains("mac")) {
            cmd = List.of("open", url);
        } else {
            if (System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null) {
                return;
            }
            cmd = List.of("xdg-open", url);
        }
        try {
            new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            // no browser here: the dashboard URL is in the log
        }
    }
}
