package dev.bosun.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which container image references Bosun accepts: Docker's reference grammar, narrowed. An image name
 * reaches the Docker API as data, not through a shell, but it is still refused early when it could be
 * read as something else: a leading '-' (a flag to some tool), shell metacharacters, whitespace,
 * control characters, upper case in the repository (which Docker rejects later, with a worse message).
 */
public final class ImageNames {
    /** [registry[:port]/]repo[/repo...][:tag][@sha256:digest] */
    private static final Pattern REFERENCE = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?/)?"
                    + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                    + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?");
    /** The rule, as error messages state it. */
    public static final String RULE =
            "a Docker image reference such as debian:12 or registry.example:5000/team/agent:1.2"
                    + " (lower-case repository, optional tag and @sha256 digest; no spaces, shell characters or leading '-')";

    private ImageNames() {}

    /** Why {@code image} is not an acceptable reference, or empty when it is. */
    public static Optional<String> problem(String image) {
        if (image == null || image.isEmpty()) return Optional.of("is empty");
        if (image.length() > 255) return Optional.of("is " + image.length() + " characters long; at most 255");
        if (!REFERENCE.matcher(image).matches()) return Optional.of("is not " + RULE);
        return Optional.empty();
    }
}
