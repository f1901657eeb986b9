package io.weft.driver.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles a class that no class path of the test has into a jar, so that only shipping it can load it. */
final class TestJars {

    private TestJars() {
    }

    /**
     * @param dir a scratch directory
     * @param className the class's binary name, e.g. {@code shipped.Greeter}
     * @param source its source
     * @return the jar
     */
    static Path compile(Path dir, String className, String source) throws IOException {
        Path src = dir.resolve("src").resolve(className.replace('.', '/') + ".java");
        Path classes = dir.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int code = javac.run(null, null, null, "-d", classes.toString(), src.toString());
        if (code != 0) {
            throw new IllegalStateException("javac failed with " + code);
        }
        Path jar = dir.resolve(className.substring(className.lastIndexOf('.') + 1).toLowerCase() + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                var files = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                    Files.copy(p, (OutputStream) out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    /** A greeter class, with a method tasks call by reflection. */
    static Path greeter(Path dir) throws IOException {
        return compile(dir, "shipped.Greeter", String.join("\n", List.of(
                "package shipped;",
                "public class Greeter implements java.io.Serializable {",
                "    public String greet(String who) { return \"hello \" + who; }",
                "}")));
    }
}
