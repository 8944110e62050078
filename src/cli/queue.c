/*
 * queue.c -- bounded multi-producer, multi-consumer queue of paths. The
 * bound keeps the walker from running ahead of the workers on huge trees.
 */
#include <stdlib.h>

#include "scan.h"

void queue_init(struct queue *q)
{
	q->head = q->count = 0;
	q->closed = 0;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
}

void queue_push(struct queue *q, char *path)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == QUEUE_CAPACITY)
		pthread_cond_wait(&q->not_full, &q->lock);
	q->item[(q->head + q->count++) % QUEUE_CAPACITY] = path;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

size_t queue_pop_some(struct queue *q, char **out, size_t max,
		      size_t workers)
{
	size_t n = 0, share;

	pthread_mutex_lock(&q->lock);
	while (!q->count && !q->closed)
		pthread_cond_wait(&q->not_empty, &q->lock);
	share = (q->count + workers - 1) / (workers ? workers : 1);
	while (q->count && n < max && (n == 0 || n < share)) {
		out[n++] = q->item[q->head];
		q->head = (q->head + 1) % QUEUE_CAPACITY;
		q->count--;
	}
	if (n)
		pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->lock);
	return n;
}

void queue_close(struct queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = 1;
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

void queue_destroy(struct queue *q)
{
	while (q->count) {
		free(q->item[q->head]);
		q->head = (q->head + 1) % QUEUE_CAPACITY;
		q->count--;
	}
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
}
