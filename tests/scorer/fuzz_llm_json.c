/*
 * fuzz_llm_json.c - fuzz target for scorer-llm's parser of embeddings
 * answers (what a remote server sends is outside input). The plugin source
 * is included so that its static parse_answer() is reachable without a
 * server. First byte: how many embeddings were asked for (1 to 3).
 */
#include "../../plugins/scorer-llm/scorer-llm.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t n = 1 + data[0] % 3;
	buf body = { (char *)(uintptr_t)(data + 1), size - 1, size - 1, false };
	double *vecs = NULL;
	size_t dim = 0;
	char err[256];
	err[0] = '\0';
	if (parse_answer(&body, n, &vecs, &dim, err, sizeof err) == 0) {
		/* success: n vectors of dim finite numbers */
		if (dim == 0 || !vecs)
			abort();
		for (size_t i = 0; i < n * dim; i++)
			if (!isfinite(vecs[i]))
				abort();
		free(vecs);
	} else if (!err[0]) {
		abort(); /* every failure has a message */
	}
	return 0;
}
