package io.gophermesh.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Windows and macOS registration, with a recorder in place of reg.exe and defaults. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WindowsMacRegistrationTest {
    @TempDir
    Path tmp;

    /** Records commands; answers from a script of results; keeps a copy of the .reg file it is given. */
    static final class Recorder implements CommandRunner {
        final List<List<String>> commands = new ArrayList<>();
        final List<Result> answers = new ArrayList<>();
        String regContent;

        @Override
        public Result run(List<String> command, java.time.Duration timeout) throws IOException {
            commands.add(command);
            if (command.size() == 3 && command.get(1).equals("import")) {
                byte[] bytes = Files.readAllBytes(Path.of(command.get(2)));
                regContent = new String(bytes, StandardCharsets.UTF_16LE);
            }
            return answers.isEmpty() ? new Result(0, "") : answers.removeFirst();
        }
    }

    @Test
    void windowsCommandQuotesPathsAndPutsTheUrlAfterDoubleDash() {
        String java = "C:\\Program Files\\Eclipse Adoptium\\jdk-25\\bin\\java.exe";
        String jar = "C:\\Users\\Zoë O'Neil\\mesh (1)\\mesh.jar";
        String tuned = String.join(" ", JvmOptions.TUNED);
        assertEquals("\"" + java + "\" " + tuned + " -jar \"" + jar + "\" --protocol-url -- \"%1\"", WindowsRegistration.openCommand(java, jar));
        String reg = WindowsRegistration.regFile(java, jar, LaunchProtocolOptions.DEFAULT);
        assertEquals(String.join("\r\n",
                "Windows Registry Editor Version 5.00",
                "",
                "[HKEY_CURRENT_USER\\Software\\Classes\\gophermesh]",
                "@=\"URL:GopherMesh Protocol\"",
                "\"URL Protocol\"=\"\"",
                "",
                "[HKEY_CURRENT_USER\\Software\\Classes\\gophermesh\\shell\\open\\command]",
                "@=\"\\\"C:\\\\Program Files\\\\Eclipse Adoptium\\\\jdk-25\\\\bin\\\\java.exe\\\" " + tuned + " -jar "
                        + "\\\"C:\\\\Users\\\\Zoë O'Neil\\\\mesh (1)\\\\mesh.jar\\\" --protocol-url -- \\\"%1\\\"\"",
                "", ""), reg);
        byte[] bytes = WindowsRegistration.regFileBytes(reg);
        assertEquals((byte) 0xFF, bytes[0]);
        assertEquals((byte) 0xFE, bytes[1]);
        for (String bad : new String[] {"C:\\a\"b\\mesh.jar", "C:\\100%1\\mesh.jar", "C:\\a\nb\\mesh.jar"}) {
            assertThrows(IllegalArgumentException.class, () -> WindowsRegistration.openCommand(java, bad), bad);
        }
    }

    @Test
    void windowsImportsTheRegFileWithReg() throws IOException {
        Path jar = Files.writeString(tmp.resolve("mesh.jar"), "jar");
        Path system32 = Files.createDirectories(tmp.resolve("System32"));
        Path regExe = Files.writeString(system32.resolve("reg.exe"), "");
        regExe.toFile().setExecutable(true);
        Recorder recorder = new Recorder();
        Host host = new Host("Windows 11", tmp, Map.of("Path", system32.toString(), "PATHEXT", ".COM;.EXE"),
                "C:\\jdk\\bin\\java.exe", recorder);
        LaunchProtocolOptions options = LaunchProtocolOptions.builder().windowsKeyName("meshkey").displayName("My Mesh").build();

        assertTrue(new Registrar(host).register(jar, options));

        assertEquals(1, recorder.commands.size());
        List<String> command = recorder.commands.getFirst();
        assertEquals(List.of(regExe.toAbsolutePath().toString(), "import"), command.subList(0, 2));
        assertFalse(Files.exists(Path.of(command.get(2))), "the .reg file is removed after the import");
        assertTrue(recorder.regContent.startsWith("\uFEFFWindows Registry Editor Version 5.00\r\n"), recorder.regContent);
        assertTrue(recorder.regContent.contains("[HKEY_CURRENT_USER\\Software\\Classes\\meshkey]\r\n@=\"URL:My Mesh Protocol\"\r\n"));
        assertTrue(recorder.regContent.contains("\\\"C:\\\\jdk\\\\bin\\\\java.exe\\\" " + String.join(" ", JvmOptions.TUNED)
                + " -jar \\\""), recorder.regContent);

        recorder.answers.add(new CommandRunner.Result(1, "ERROR: Access is denied."));
        assertFalse(new Registrar(host).register(jar, options), "a failed import is reported, not thrown");
    }

    @Test
    void macWritesWrapperAndAddsTheHandlerOnce() throws IOException {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("Mesh App")).resolve("mesh.jar"), "jar");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Recorder recorder = new Recorder();
        Host host = new Host("Mac OS X", home, Map.of("PATH", ""), "/Library/Java/bin/java", recorder);
        recorder.answers.add(new CommandRunner.Result(1, "The domain/default pair does not exist"));

        assertTrue(new Registrar(host).register(jar, LaunchProtocolOptions.DEFAULT));

        String domain = "com.apple.LaunchServices/com.apple.launchservices.secure";
        assertEquals(List.of(
                List.of("/usr/bin/defaults", "read", domain, "LSHandlers"),
                List.of("/usr/bin/defaults", "write", domain, "LSHandlers", "-array-add",
                        "{LSHandlerURLScheme=gophermesh;LSHandlerRoleAll=com.gophermesh.cli;}")), recorder.commands);
        Path wrapper = home.resolve("Library/Application Support/GopherMesh/gophermesh-open-url.command");
        assertEquals(Registrar.wrapperScript("/Library/Java/bin/java", jar, false), Files.readString(wrapper));
        assertTrue(Files.isExecutable(wrapper));

        recorder.commands.clear();
        recorder.answers.add(new CommandRunner.Result(0, """
                (
                        {
                        LSHandlerRoleAll = "com.gophermesh.cli";
                        LSHandlerURLScheme = gophermesh;
                    }
                )"""));
        assertTrue(new Registrar(host).register(jar, LaunchProtocolOptions.DEFAULT));
        assertEquals(1, recorder.commands.size(), "no second handler entry: " + recorder.commands);
    }

    @Test
    void macHandlerDetectionMatchesWholeSchemes() {
        assertTrue(MacRegistration.handlerExists("LSHandlerURLScheme = gophermesh", "gophermesh"));
        assertTrue(MacRegistration.handlerExists("{ LSHandlerURLScheme = \"GopherMesh\"; }", "gophermesh"));
        assertFalse(MacRegistration.handlerExists("LSHandlerURLScheme = gophermeshx;", "gophermesh"));
        assertFalse(MacRegistration.handlerExists("LSHandlerContentType = gophermesh;", "gophermesh"));
    }

    @Test
    void otherSystemsAreSkipped() throws IOException {
        Path jar = Files.writeString(tmp.resolve("mesh.jar"), "jar");
        Recorder recorder = new Recorder();
        assertFalse(new Registrar(new Host("FreeBSD", tmp, Map.of(), "java", recorder)).register(jar, LaunchProtocolOptions.DEFAULT));
        assertEquals(List.of(), recorder.commands);
    }
}
