# airports.awk — core/airports.tsv to the C table of core/airports.c.
# Rows must be sorted by IATA code (checked), comments start with '#'.
BEGIN { FS = "\t"; n = 0; prev = ""
	print "/* Generated from core/airports.tsv by core/airports.awk; do not edit. */"
	print "#include \"airports.h\""
	print "const struct airport airports_table[] = {" }
/^#/ || NF == 0 { next }
{
	if (NF != 8 || $1 !~ /^[A-Z][A-Z][A-Z]$/ || ($2 != "L" && $2 != "M")) {
		printf "airports.tsv:%d: malformed row\n", NR > "/dev/stderr"; exit 1 }
	if ($1 <= prev) { printf "airports.tsv:%d: %s out of order\n", NR, $1 > "/dev/stderr"; exit 1 }
	prev = $1
	printf "\t{\"%s\", '%s', %s, %s, %s, %s, %s, %s},\n", $1, $2, $3, $4, q($5), q($6), q($7), q($8)
	n++
}
END { print "};"; printf "const unsigned long airports_table_len = %d;\n", n }
function q(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
