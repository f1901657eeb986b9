package io.weft.am.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@link ConfigurationXml} writes reads back, through Hadoop's own parser, to the same properties. */
@Timeout(60)
class ConfigurationXmlTest {

    private static Map<String, String> raw(Configuration conf) {
        Map<String, String> all = new HashMap<>();
        conf.forEach(e -> all.put(e.getKey(), e.getValue()));
        return all;
    }

    private static Configuration readBack(byte[] xml) {
        Configuration read = new Configuration(false);
        read.addResource(new ByteArrayInputStream(xml), "shipped");
        return read;
    }

    @Test
    void everyPropertyReadsBackRawAndEscapedWithHadoopsDefaultsIncluded() {
        Configuration conf = new Configuration();
        conf.set("weft.test.markup", "a<b & c>d \"quoted\" 'single' ]]> end");
        conf.set("weft.test.unicode", "caf\u00e9 \u20ac \ud83d\ude00");
        conf.set("weft.test.reference", "${weft.test.unicode}/x");
        conf.set("weft.test.spaces", "  leading and trailing  ");
        conf.set("weft.test.empty", "");
        conf.set("weft.test.newlines", "line1\nline2\ttab");

        Configuration read = readBack(ConfigurationXml.toXml(conf));

        // the same properties as Hadoop's own writeXml gives, read back the same way (both drop an empty value)
        java.io.ByteArrayOutputStream hadoops = new java.io.ByteArrayOutputStream();
        try {
            conf.writeXml(hadoops);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> expected = raw(readBack(hadoops.toByteArray()));
        assertThat(expected).containsKey("fs.defaultFS"); // core-default.xml's properties travel too
        assertThat(raw(read)).isEqualTo(expected);
        Map<String, String> original = raw(conf);
        original.remove("weft.test.empty");
        assertThat(raw(read)).isEqualTo(original);
        assertThat(read.getRaw("weft.test.markup")).isEqualTo("a<b & c>d \"quoted\" 'single' ]]> end");
        assertThat(read.getRaw("weft.test.spaces")).isEqualTo("  leading and trailing  ");
        // references stay unexpanded in the document and expand on the reading side
        assertThat(read.getRaw("weft.test.reference")).isEqualTo("${weft.test.unicode}/x");
        assertThat(read.get("weft.test.reference")).isEqualTo("caf\u00e9 \u20ac \ud83d\ude00/x");
    }

    @Test
    void finalPropertiesStayFinalOnTheReadingSide() {
        Configuration source = new Configuration(false);
        String site = "<?xml version=\"1.0\"?><configuration>"
                + "<property><name>weft.test.locked</name><value>kept</value><final>true</final></property>"
                + "<property><name>weft.test.open</name><value>first</value></property></configuration>";
        source.addResource(new ByteArrayInputStream(site.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "site");
        assertThat(source.get("weft.test.locked")).isEqualTo("kept");

        Configuration read = readBack(ConfigurationXml.toXml(source));
        assertThat(read.get("weft.test.locked")).isEqualTo("kept"); // loads the resource; finals are known after
        assertThat(read.getFinalParameters()).contains("weft.test.locked").doesNotContain("weft.test.open");
        String later = "<?xml version=\"1.0\"?><configuration>"
                + "<property><name>weft.test.locked</name><value>overridden</value></property>"
                + "<property><name>weft.test.open</name><value>second</value></property></configuration>";
        read.addResource(new ByteArrayInputStream(later.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "later");
        assertThat(read.get("weft.test.locked")).isEqualTo("kept");
        assertThat(read.get("weft.test.open")).isEqualTo("second");
    }
}
