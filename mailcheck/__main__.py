from mailcheck.entry import main

main()
