package io.gophermesh.launch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Windows: {@code HKCU\Software\Classes\KEY} with {@code URL Protocol} and
 * {@code shell\open\command = "JAVA" -jar "JAR" --protocol-url -- "%1"}, for the current user
 * (no elevation). The values are written to a {@code .reg} file and imported with {@code reg import}:
 * a {@code reg add /d VALUE} whose value holds double quotes cannot be passed through
 * {@link ProcessBuilder} reliably, while a {@code .reg} file has exact escaping rules.
 */
final class WindowsRegistration {
    private WindowsRegistration() {
    }

    /** The command the shell runs for a URL; {@code %1} is the URL, after {@code --}. */
    static String openCommand(String java, String jar) {
        for (String path : List.of(java, jar)) {
            if (path.indexOf('"') >= 0 || path.indexOf('%') >= 0 || path.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("path " + Texts.show(path)
                        + " contains '\"', '%' or a control character and cannot be registered safely");
            }
        }
        StringBuilder options = new StringBuilder();
        for (String option : JvmOptions.forJar(Path.of(jar), false)) {
            options.append(option.indexOf(' ') >= 0 ? " \"" + option + "\"" : " " + option);
        }
        return "\"" + java + "\"" + options + " -jar \"" + jar + "\" --protocol-url -- \"%1\"";
    }

    static String regFile(String java, String jar, LaunchProtocolOptions options) {
        String key = "HKEY_CURRENT_USER\\Software\\Classes\\" + options.windowsKeyName();
        return String.join("\r\n",
                "Windows Registry Editor Version 5.00",
                "",
                "[" + key + "]",
                "@=" + Quoting.regString("URL:" + options.displayName() + " Protocol"),
                "\"URL Protocol\"=\"\"",
                "",
                "[" + key + "\\shell\\open\\command]",
                "@=" + Quoting.regString(openCommand(java, jar)),
                "", "");
    }

    /** reg.exe reads UTF-16LE with a byte order mark, which keeps non-ASCII paths intact. */
    static byte[] regFileBytes(String content) {
        ByteBuffer encoded = StandardCharsets.UTF_16LE.encode("\uFEFF" + content);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    static List<String> importCommand(Host host, Path regFile) {
        String reg = host.which("reg").map(Path::toString).orElse("reg.exe");
        return List.of(reg, "import", regFile.toString());
    }

    /** {@return what was done, for the log line} */
    static String register(Host host, Path jar, LaunchProtocolOptions options) throws IOException {
        String content = regFile(host.javaCommand(), jar.toString(), options);
        Path file = Files.createTempFile("mesh-protocol-", ".reg");
        try {
            Files.write(file, regFileBytes(content));
            Registrar.run(host, importCommand(host, file));
        } finally {
            Files.deleteIfExists(file);
        }
        return "HKCU\\Software\\Classes\\" + options.windowsKeyName();
    }
}
