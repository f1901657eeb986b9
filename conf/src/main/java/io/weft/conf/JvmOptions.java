package io.weft.conf;

import java.util.List;

/**
 * JVM options every Weft JVM gets (executor JVMs here, YARN containers later), so Kryo and Hadoop behave the
 * same everywhere. The parent pom's {@code weft.jvm.opens} property gives tests the same list.
 */
public final class JvmOptions {

    private JvmOptions() {
    }

    /** {@code --add-opens} for the JDK packages Kryo and Hadoop reflect into on JDK 17. */
    public static final List<String> ADD_OPENS = List.of(
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.net=ALL-UNNAMED",
            "--add-opens", "java.base/java.io=ALL-UNNAMED");
}
