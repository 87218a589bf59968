/* The tags libsndfile cannot write into a FLAC file (it has no ISRC
 * field), added to its Vorbis comment block with libFLAC's metadata
 * editor once the encoder has finished. */
#include "tags.h"

#include <FLAC/metadata.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "status.h"

static size_t io_read(void *ptr, size_t size, size_t n, FLAC__IOHandle h)
{
	return fread(ptr, size, n, h);
}

static size_t io_write(const void *ptr, size_t size, size_t n, FLAC__IOHandle h)
{
	return fwrite(ptr, size, n, h);
}

static int io_seek(FLAC__IOHandle h, FLAC__int64 off, int whence)
{
	return fseeko(h, (off_t)off, whence);
}

static FLAC__int64 io_tell(FLAC__IOHandle h)
{
	return (FLAC__int64)ftello(h);
}

static int io_eof(FLAC__IOHandle h)
{
	return feof((FILE *)h);
}

static const FLAC__IOCallbacks io = { io_read, io_write, io_seek, io_tell, io_eof, NULL };

/* The Vorbis comment block of the chain, made after STREAMINFO when
 * libsndfile wrote none. */
static FLAC__StreamMetadata *comment_block(FLAC__Metadata_Chain *chain)
{
	FLAC__Metadata_Iterator *it = FLAC__metadata_iterator_new();
	FLAC__StreamMetadata *b = NULL;

	if (!it)
		return NULL;
	FLAC__metadata_iterator_init(it, chain);
	do {
		if (FLAC__metadata_iterator_get_block_type(it) == FLAC__METADATA_TYPE_VORBIS_COMMENT) {
			b = FLAC__metadata_iterator_get_block(it);
			break;
		}
	} while (FLAC__metadata_iterator_next(it));
	if (!b) {
		FLAC__metadata_iterator_init(it, chain);
		b = FLAC__metadata_object_new(FLAC__METADATA_TYPE_VORBIS_COMMENT);
		if (b && !FLAC__metadata_iterator_insert_block_after(it, b)) {
			FLAC__metadata_object_delete(b);
			b = NULL;
		}
	}
	FLAC__metadata_iterator_delete(it);
	return b;
}

int tags_flac_finish(struct atomicfile *af, const char *const *tags, int n, char *err, int errlen)
{
	char key[32], value[TAG_VALUE_MAX + 8];
	const char *isrc = NULL;
	FLAC__Metadata_Chain *chain = NULL;
	FLAC__StreamMetadata *vc;
	FLAC__StreamMetadata_VorbisComment_Entry e;
	struct atomicfile out;
	FILE *in = NULL, *fo;
	int fd, rc = ST_OUTPUT, out_open = 0;

	for (int i = 0; i < n; i++) {
		tag_split(tags[i], key, sizeof key, value, sizeof value);
		if (!strcmp(key, "isrc"))
			isrc = tags[i];
	}
	if (!isrc)
		return ST_OK;
	tag_split(isrc, key, sizeof key, value, sizeof value);
	if (af->direct) {
		snprintf(err, (size_t)errlen, "%s: an ISRC is added once the FLAC file is complete, which a pipe or device does not allow",
			 af->name);
		return ST_USAGE;
	}
	fd = dup(af->fd);
	in = fd >= 0 ? fdopen(fd, "rb") : NULL;
	if (!in) {
		if (fd >= 0)
			close(fd);
		snprintf(err, (size_t)errlen, "%s: cannot read back to add the ISRC: %s", af->name, strerror(errno));
		return ST_OUTPUT;
	}
	chain = FLAC__metadata_chain_new();
	if (!chain || fseeko(in, 0, SEEK_SET) != 0 ||
	    !FLAC__metadata_chain_read_with_callbacks(chain, in, io)) {
		snprintf(err, (size_t)errlen, "%s: cannot read back the FLAC metadata to add the ISRC", af->name);
		goto done;
	}
	vc = comment_block(chain);
	if (!vc || !FLAC__metadata_object_vorbiscomment_entry_from_name_value_pair(&e, "ISRC", value) ||
	    !FLAC__metadata_object_vorbiscomment_append_comment(vc, e, false)) {
		snprintf(err, (size_t)errlen, "%s: out of memory", af->name);
		goto done;
	}
	/* The metadata grows, so the file is written anew: into another
	 * temporary file beside the target, which replaces the first. */
	if (atomicfile_open(&out, af->name, 0, err, errlen))
		goto done;
	out_open = 1;
	fo = atomicfile_stream(&out);
	errno = 0;
	if (!fo || !FLAC__metadata_chain_write_with_callbacks_and_tempfile(chain, false, in, io, fo, io)) {
		snprintf(err, (size_t)errlen, "%s: cannot write the FLAC metadata: %s", af->name,
			 errno ? strerror(errno) : FLAC__Metadata_ChainStatusString[FLAC__metadata_chain_status(chain)]);
		goto done;
	}
	atomicfile_abort(af);
	*af = out;
	out_open = 0;
	rc = ST_OK;
done:
	if (out_open)
		atomicfile_abort(&out);
	if (chain)
		FLAC__metadata_chain_delete(chain);
	fclose(in);
	return rc;
}
