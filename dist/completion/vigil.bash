# bash completion for vigil, vigild, vigil-update, vigil-repo, vigil-shield
# and vigil-onaccess. Options are read from each program's own --help (so
# that they never fall behind it), subcommands are listed here; the rest
# completes file names. Installed as
# /usr/share/bash-completion/completions/vigil, with links for the others.

_vigil_help_opts()
{
	"$@" --help 2>/dev/null | grep -oE -- '--[a-z0-9][a-z0-9-]*=?' | sort -u
}

_vigil_complete()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prog=${COMP_WORDS[0]} sub=
	local subs=

	case ${prog##*/} in
	vigil)
		subs="scan db update yara quarantine version help"
		sub=${COMP_WORDS[1]}
		;;
	vigil-shield)
		subs="run block unblock allow unallow status rules attacks metrics report check-config check-rules"
		sub=${COMP_WORDS[1]}
		;;
	vigil-repo)
		subs="init publish timestamp sign rotate"
		sub=${COMP_WORDS[1]}
		;;
	esac
	if [ -n "$subs" ] && [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$subs" -- "$cur"))
		return
	fi
	if [ "${cur#-}" != "$cur" ]; then
		local opts
		case ${prog##*/}:$sub in
		vigil:scan|vigil:yara|vigil:quarantine)
			opts=$(_vigil_help_opts "$prog" "$sub") ;;
		vigil:db)
			opts="--output= --json --strict" ;;
		vigil:update)
			opts=$(_vigil_help_opts vigil-update) ;;
		*)
			opts=$(_vigil_help_opts "$prog") ;;
		esac
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		[ "${COMPREPLY[0]%=}" != "${COMPREPLY[0]}" ] && compopt -o nospace 2>/dev/null
		return
	fi
	case ${prog##*/}:$sub in
	vigil:db)
		if [ "$COMP_CWORD" -eq 2 ]; then
			COMPREPLY=($(compgen -W "compile info fuzzy-img icon-sig" -- "$cur"))
			return
		fi ;;
	vigil:quarantine)
		COMPREPLY=($(compgen -W "list show restore delete purge" -- "$cur"))
		return ;;
	esac
	COMPREPLY=($(compgen -f -- "$cur"))
}

complete -o filenames -F _vigil_complete vigil vigild vigil-update vigil-repo vigil-shield vigil-onaccess
