package dev.bosun.server;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** A Prometheus text exposition read back: HELP and TYPE by family, and every sample's series name. */
record Exposition(Map<String, String> help, Map<String, String> types, Set<String> samples) {
    static Exposition parse(String text) {
        var help = new LinkedHashMap<String, String>();
        var types = new LinkedHashMap<String, String>();
        var samples = new LinkedHashSet<String>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] p = line.substring(7).split(" ", 2);
                help.put(p[0], p.length > 1 ? p[1] : "");
            } else if (line.startsWith("# TYPE ")) {
                String[] p = line.substring(7).split(" ", 2);
                types.put(p[0], p.length > 1 ? p[1] : "");
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int end = 0;
                while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') end++;
                samples.add(line.substring(0, end));
            }
        }
        return new Exposition(help, types, samples);
    }
}
