# SPDX-License-Identifier: GPL-2.0
# bash completion for kraftctl(8)
_kraftctl()
{
	local cur prev words cword cmd i
	_init_completion || return
	cmd=
	for ((i = 1; i < cword; i++)); do
		case "${words[i]}" in
		-n|-o) ((i++)) ;;
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done
	case "$prev" in
	-n|down)
		COMPREPLY=($(compgen -W "$(ls /dev 2>/dev/null | grep -E '^kraft[0-9]+$')" -- "$cur"))
		return ;;
	-o) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
	--key-file) _filedir; return ;;
	esac
	if [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "init up down status put get del cas list bench
			watch member leader snapshot dump version -n -o --help" -- "$cur"))
		return
	fi
	case "$cmd" in
	init) [[ $cur == -* ]] &&
		COMPREPLY=($(compgen -W "--cluster --node --peers --key-file --force --help" -- "$cur")) ||
		COMPREPLY=($(compgen -W "$(ls -d /dev/vd* /dev/sd* /dev/nvme* /dev/loop* 2>/dev/null)" -- "$cur")) ;;
	up) [[ $cur == -* ]] &&
		COMPREPLY=($(compgen -W "--listen --tick-ms --election-ms --heartbeat-ms --help" -- "$cur")) ||
		COMPREPLY=($(compgen -W "$(ls -d /dev/vd* /dev/sd* /dev/nvme* /dev/loop* 2>/dev/null)" -- "$cur")) ;;
	dump) COMPREPLY=($(compgen -W "$(ls -d /dev/vd* /dev/sd* /dev/nvme* /dev/loop* 2>/dev/null)" -- "$cur")) ;;
	get) COMPREPLY=($(compgen -W "--serializable --help" -- "$cur")) ;;
	cas) COMPREPLY=($(compgen -W "--rev --help" -- "$cur")) ;;
	list) COMPREPLY=($(compgen -W "--limit --help" -- "$cur")) ;;
	watch) COMPREPLY=($(compgen -W "--from-rev --help" -- "$cur")) ;;
	member) COMPREPLY=($(compgen -W "list add promote remove --learner --help" -- "$cur")) ;;
	leader) COMPREPLY=($(compgen -W "transfer --help" -- "$cur")) ;;
	bench) COMPREPLY=($(compgen -W "put get mixed --clients --ops --value-size --keys --serializable --help" -- "$cur")) ;;
	*) COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
	esac
}
complete -F _kraftctl kraftctl
