package io.weft.am.submit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.apache.hadoop.conf.Configuration;

/**
 * Writes a Hadoop {@link Configuration} as a {@code *-site.xml} document ({@code <configuration>} of
 * {@code <property>} elements with {@code name}, {@code value} and, for final properties, {@code final}), with the
 * JDK's streaming XML writer. The same document {@link Configuration#writeXml} writes, less its {@code source}
 * elements, read back to the same properties, but without its DOM tree and XSLT transformer: in a client's cold
 * JVM loading those took about 0.1 s of every submission (docs/benchmarks.md, staging's steps). Values are written
 * raw, as {@code writeXml} does ({@code ${...}} references are expanded by the reader). Stateless.
 */
final class ConfigurationXml {

    private ConfigurationXml() {
    }

    /**
     * @param conf the configuration; not changed
     * @return the document's UTF-8 bytes, properties sorted by name
     * @throws IllegalStateException when the JDK cannot write XML (a broken JDK)
     */
    static byte[] toXml(Configuration conf) {
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> entry : conf) {
            sorted.put(entry.getKey(), entry.getValue());
        }
        Set<String> finals = conf.getFinalParameters();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory()
                    .createXMLStreamWriter(bytes, StandardCharsets.UTF_8.name());
            xml.writeStartDocument(StandardCharsets.UTF_8.name(), "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("configuration");
            xml.writeCharacters("\n");
            for (Map.Entry<String, String> entry : sorted.entrySet()) {
                xml.writeStartElement("property");
                element(xml, "name", entry.getKey());
                element(xml, "value", entry.getValue());
                if (finals.contains(entry.getKey())) {
                    element(xml, "final", "true");
                }
                xml.writeEndElement();
                xml.writeCharacters("\n");
            }
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("Cannot write the Hadoop configuration as XML: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    private static void element(XMLStreamWriter xml, String name, String text) throws XMLStreamException {
        xml.writeStartElement(name);
        xml.writeCharacters(text);
        xml.writeEndElement();
    }
}
