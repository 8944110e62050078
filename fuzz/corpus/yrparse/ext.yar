rule r { condition: filename matches /\.exe$/i and filename icontains "tmp" }
