/*
 * main.c -- the vigil-update program: the only Vigil program besides
 * vigil-repo that links libcurl. `vigil update ...` runs it, so that the
 * scanner itself links nothing that can open a connection.
 */
#include "update.h"

int main(int argc, char **argv)
{
	return upd_cli(argc, argv);
}
