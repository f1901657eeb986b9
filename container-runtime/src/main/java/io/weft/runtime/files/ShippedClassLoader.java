package io.weft.runtime.files;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;

/**
 * The class loader tasks are deserialized and run with: the application's class loader, then the jars added at
 * run time ({@code WeftSession.addJar}). Parent-first, so an added jar never replaces a class the application
 * already has. Thread-safe.
 */
public final class ShippedClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    /** @param parent the application's class loader */
    public ShippedClassLoader(ClassLoader parent) {
        this("weft-tasks", parent);
    }

    /**
     * @param name the loader's name, shown in stack traces (a class-loader scope's, say)
     * @param parent the class loader it delegates to first
     */
    public ShippedClassLoader(String name, ClassLoader parent) {
        super(name, new URL[0], parent);
    }

    /**
     * Adds a jar; adding one already there does nothing.
     *
     * @param jar a local jar file
     */
    public synchronized void addJar(File jar) {
        try {
            URL url = jar.getAbsoluteFile().toURI().toURL();
            if (!Arrays.asList(getURLs()).contains(url)) {
                addURL(url);
            }
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("Not a jar path: " + jar, e);
        }
    }

    /**
     * @param loader a class loader
     * @return it, if it is one of these, else a new one over it
     */
    public static ShippedClassLoader over(ClassLoader loader) {
        return loader instanceof ShippedClassLoader shipped ? shipped : new ShippedClassLoader(loader);
    }
}
