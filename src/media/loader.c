#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sndfile.h>
#include <re.h>
#include "base/util.h"
#include "loader.h"
#include "source.h"

struct loader {
	struct mqueue *mq;
	struct list jobs;       /* running; touched on the re thread only */
};

struct load_job {
	struct le le;
	pthread_t thread;
	char path[512];
	uint32_t srate;
	load_done_h *h;         /* NULL once cancelled */
	void *arg;
	/* written by the thread before it posts the job back */
	struct clip *clip;
	int err;
	char why[384];
};

/* What the thread needs; the loader outlives it (its destructor joins
 * every thread before freeing the queue). */
struct post {
	struct load_job *job;
	struct mqueue *mq;
};

static void *load_thread(void *arg)
{
	struct post *p = arg;
	struct load_job *job = p->job;

	job->err = clip_load(&job->clip, job->path, job->srate, job->why,
			     sizeof(job->why));
	(void)mqueue_push(p->mq, 0, job);
	free(p);
	return NULL;
}

static void job_finish(struct load_job *job)
{
	(void)pthread_join(job->thread, NULL);
	list_unlink(&job->le);
	if (job->h)
		job->h(job->err, job->clip, job->why, job->arg);
	mem_deref(job->clip);
	mem_deref(job);
}

static void mq_handler(int id, void *data, void *arg)
{
	(void)id;
	(void)arg;
	job_finish(data);
}

static void destructor(void *arg)
{
	struct loader *l = arg;
	struct le *le;

	/* Let running decodes end; their posts land in a queue nobody
	 * reads any more, which is harmless. */
	while ((le = l->jobs.head)) {
		struct load_job *job = le->data;

		job->h = NULL;
		job_finish(job);
	}
	mem_deref(l->mq);
}

int loader_alloc(struct loader **lp)
{
	struct loader *l = mem_zalloc(sizeof(*l), destructor);
	int err;

	if (!l)
		return ENOMEM;
	err = mqueue_alloc(&l->mq, mq_handler, l);
	if (err)
		mem_deref(l);
	else
		*lp = l;
	return err;
}

/* Cheap: open the file and read its header, so a missing or unreadable
 * file is an error of the command itself. */
static int probe(const char *name, char *path, size_t pathsz, char *why,
		 size_t whysz)
{
	SF_INFO info;
	SNDFILE *sf;

	if (sound_find(path, pathsz, name)) {
		re_snprintf(why, whysz, "%s: no such file (nor in the sounds "
			    "directories)", name);
		return ENOENT;
	}
	memset(&info, 0, sizeof(info));
	sf = sf_open(path, SFM_READ, &info);
	if (!sf) {
		re_snprintf(why, whysz, "%s: %s", path, sf_strerror(NULL));
		return EINVAL;
	}
	sf_close(sf);
	if (info.frames <= 0) {
		re_snprintf(why, whysz, "%s: no audio", path);
		return EINVAL;
	}
	return 0;
}

int loader_load(struct load_job **jobp, struct loader *l, const char *name,
		uint32_t srate, load_done_h *h, void *arg,
		char *why, size_t whysz)
{
	struct load_job *job;
	struct post *p;
	int err;

	job = mem_zalloc(sizeof(*job), NULL);
	if (!job)
		return ENOMEM;

	err = probe(name, job->path, sizeof(job->path), why, whysz);
	if (err)
		goto out;

	p = malloc(sizeof(*p));
	if (!p) {
		err = ENOMEM;
		goto out;
	}
	p->job = job;
	p->mq = l->mq;
	job->srate = srate;
	job->h = h;
	job->arg = arg;

	err = pthread_create(&job->thread, NULL, load_thread, p);
	if (err) {
		free(p);
		re_snprintf(why, whysz, "%s: cannot start a loader: %m", name,
			    err);
		goto out;
	}
	list_append(&l->jobs, &job->le, job);
	*jobp = job;

 out:
	if (err)
		mem_deref(job);
	return err;
}

void load_job_cancel(struct load_job *job)
{
	if (job)
		job->h = NULL;
}
